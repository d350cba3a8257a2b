package io.fjord.broker.cli;

import io.fjord.broker.server.ControllerNode;
import io.fjord.broker.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code fjord server --config FILE}: runs a node until it is stopped (SIGTERM or Ctrl-C stop it cleanly). */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run a node from a configuration file (today: a controller-only node, process.roles=controller).")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "The node's configuration (Java properties).")
    Path configFile;

    @Override
    public Integer call() throws InterruptedException {
        if (System.getProperty("FJORD_LOG_LEVEL") == null && System.getenv("FJORD_LOG_LEVEL") == null) {
            System.setProperty("FJORD_LOG_LEVEL", "INFO"); // a server logs its state changes; tools stay quiet
        }
        ServerConfig config = ServerConfig.load(configFile);
        ControllerNode node = new ControllerNode(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "fjord-shutdown"));
        System.out.println("Fjord controller " + config.nodeId() + " ready on port " + node.port()
                + " (metadata in " + config.logDirs().get(0).toAbsolutePath() + ")");
        stopped.await();
        return 0;
    }
}
