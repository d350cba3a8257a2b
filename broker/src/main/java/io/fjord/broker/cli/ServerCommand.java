package io.fjord.broker.cli;

import io.fjord.broker.server.FjordNode;
import io.fjord.broker.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code fjord server --config FILE}: runs a node until it is stopped (SIGTERM or Ctrl-C stop it cleanly). */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run a node from a configuration file (process.roles=controller, broker or both).")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--config", description = "The node's configuration: Java properties or YAML, with Kafka's key"
            + " names. Environment variables (FJORD_LOG_RETENTION_MS=...) and -Dfjord.log.retention.ms=... override it;"
            + " without a file, they are the whole configuration.")
    Path configFile;

    @Override
    public Integer call() throws InterruptedException {
        if (System.getProperty("FJORD_LOG_LEVEL") == null && System.getenv("FJORD_LOG_LEVEL") == null) {
            System.setProperty("FJORD_LOG_LEVEL", "INFO"); // a server logs its state changes; tools stay quiet
        }
        ServerConfig config = ServerConfig.load(configFile);
        FjordNode node = new FjordNode(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("fjord server: stopping failed: " + e.getMessage());
            }
            stopped.countDown();
        }, "fjord-shutdown"));
        System.out.println(readyLine(config, node));
        stopped.await();
        return 0;
    }

    private static String readyLine(ServerConfig config, FjordNode node) {
        StringBuilder line = new StringBuilder("Fjord node " + config.nodeId() + " ready:");
        if (node.controllerPort() >= 0) {
            line.append(" controller on port ").append(node.controllerPort()).append(';');
        }
        if (node.clientPort() >= 0) {
            line.append(" broker (client listener) on port ").append(node.clientPort()).append(';');
        }
        line.append(" data in ").append(config.logDirs().get(0).toAbsolutePath());
        if (node.managementPort() >= 0) {
            line.append("; management http://127.0.0.1:").append(node.managementPort()).append("/health");
        }
        return line.toString();
    }
}
