package io.fjord.broker.cli;

import io.fjord.broker.server.BrokerNode;
import io.fjord.broker.server.ControllerNode;
import io.fjord.broker.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code fjord server --config FILE}: runs a node until it is stopped (SIGTERM or Ctrl-C stop it cleanly). */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run a node from a configuration file (process.roles=controller, or broker: its metadata side"
                + " so far).")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "The node's configuration (Java properties).")
    Path configFile;

    @Override
    public Integer call() throws InterruptedException {
        if (System.getProperty("FJORD_LOG_LEVEL") == null && System.getenv("FJORD_LOG_LEVEL") == null) {
            System.setProperty("FJORD_LOG_LEVEL", "INFO"); // a server logs its state changes; tools stay quiet
        }
        ServerConfig config = ServerConfig.load(configFile);
        AutoCloseable node = config.role() == ServerConfig.Role.CONTROLLER ? new ControllerNode(config)
                : new BrokerNode(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("fjord server: stopping failed: " + e.getMessage());
            }
            stopped.countDown();
        }, "fjord-shutdown"));
        System.out.println(node instanceof ControllerNode controller
                ? "Fjord controller " + config.nodeId() + " ready on port " + controller.port() + " (metadata in "
                        + config.logDirs().get(0).toAbsolutePath() + (controller.managementPort() < 0 ? ")"
                        : "; management http://127.0.0.1:" + controller.managementPort() + "/quorum)")
                : "Fjord broker " + config.nodeId() + " started (metadata in " + config.logDirs().get(0).toAbsolutePath()
                        + "); it registers with the active controller");
        stopped.await();
        return 0;
    }
}
