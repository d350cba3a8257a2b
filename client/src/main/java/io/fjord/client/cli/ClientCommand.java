package io.fjord.client.cli;

import io.fjord.client.BrokerUnreachableException;
import io.fjord.client.ConfigException;
import io.fjord.client.FjordException;
import io.fjord.proto.v1.ErrorCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Base of the client CLI commands: the {@code --bootstrap-server} option, output to picocli's writers (so tests
 * capture it), and one place that turns failures into a one-line message on stderr and a non-zero exit code
 * (1: the operation failed; 2: bad usage, from picocli). One instance runs once; not thread-safe.
 */
public abstract class ClientCommand implements Callable<Integer> {
    /** Exit code of a failed operation. */
    public static final int EXIT_FAILURE = 1;

    @Mixin
    protected BootstrapOption bootstrap = new BootstrapOption();

    @Spec
    protected CommandSpec spec;

    protected abstract int execute(PrintWriter out) throws Exception;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            int code = execute(out);
            out.flush();
            return code;
        } catch (BrokerUnreachableException e) {
            err.println("error: cannot reach a broker at " + bootstrap.value() + ": is `./fjord dev` running?");
            return EXIT_FAILURE;
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return EXIT_FAILURE;
        } catch (FjordException e) {
            err.println(isUnreachable(e)
                    ? "error: cannot reach a broker at " + bootstrap.value() + ": is `./fjord dev` running?"
                    : "error: " + describe(e));
            return EXIT_FAILURE;
        } catch (java.util.concurrent.ExecutionException e) {
            FjordException cause = unwrap(e);
            err.println(cause instanceof BrokerUnreachableException
                    ? "error: cannot reach a broker at " + bootstrap.value() + ": is `./fjord dev` running?"
                    : "error: " + describe(cause));
            return EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return EXIT_FAILURE;
        } catch (Exception e) {
            err.println("error: " + e);
            return EXIT_FAILURE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The exception's message, which starts with the error code where the broker sent one. */
    static String describe(FjordException e) {
        String message = e.getMessage();
        if (e.errorCode() == ErrorCode.NONE || message.startsWith(e.errorCode().name())) {
            return message;
        }
        return e.errorCode().name() + ": " + message;
    }

    static boolean isUnreachable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BrokerUnreachableException) {
                return true;
            }
        }
        return false;
    }

    /** Fails fast with {@link BrokerUnreachableException} when no broker answers at the bootstrap address. */
    protected void checkReachable() {
        io.fjord.client.internal.ChannelPool pool = new io.fjord.client.internal.ChannelPool();
        try {
            new io.fjord.client.internal.Metadata(java.util.List.of(bootstrap.value().split(",")), pool, 10_000,
                    Long.MAX_VALUE, false).refresh(java.util.List.of(), System.currentTimeMillis());
        } finally {
            pool.close();
        }
    }

    /** Unwraps a future's failure into the client exception it carries. */
    static FjordException unwrap(Throwable t) {
        Throwable cause = t instanceof java.util.concurrent.ExecutionException && t.getCause() != null
                ? t.getCause() : t;
        return cause instanceof FjordException f ? f : new FjordException(cause.toString());
    }
}
