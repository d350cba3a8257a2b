package io.fjord.broker.cli;

import io.fjord.proto.record.CompressionType;
import io.fjord.proto.record.Record;
import io.fjord.proto.record.RecordBatch;
import io.fjord.proto.record.RecordBatchBuilder;
import io.fjord.storage.log.FetchDataInfo;
import io.fjord.storage.log.LogAppendInfo;
import io.fjord.storage.log.LogConfig;
import io.fjord.storage.log.PartitionLog;
import io.fjord.storage.log.TopicPartition;
import io.fjord.storage.manager.DirectoryLock;
import io.fjord.storage.manager.Formatter;
import io.fjord.storage.manager.LogManager;
import io.fjord.storage.manager.MetaProperties;
import io.fjord.storage.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code fjord dev}: the embedded single-node default. Until the broker exists this runs what does: it formats the
 * data directory on first use (the only command that formats by itself), opens the storage engine on it (recovering
 * it if the last run stopped uncleanly), records this start in a log, reads the history back, and says plainly what
 * is not there yet.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Start the embedded single-node Fjord (data in ./fjord-data).")
final class DevCommand implements Callable<Integer> {
    static final TopicPartition STARTS = new TopicPartition("__dev_starts", 0);
    static final int NODE_ID = 1;

    @Option(names = "--data-dir", defaultValue = "fjord-data", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() {
        System.out.println("Fjord dev: storage engine only. The broker, its gRPC listener on 9092 and the client"
                + " tools are not built yet, so nothing listens on a port.");
        if (MetaProperties.read(dataDir) == null) {
            Formatter.format(dataDir, MetaProperties.randomId(new SecureRandom()), NODE_ID, new SecureRandom());
            System.out.println("Formatted " + dataDir.toAbsolutePath() + " for a new single-node cluster.");
        }
        MetaProperties identity = Formatter.verify(List.of(dataDir), NODE_ID).get(0);
        System.out.println("Cluster " + identity.clusterId() + ", node " + NODE_ID + ".");
        try (DirectoryLock lock = DirectoryLock.acquire(dataDir);
             LogManager logs = new LogManager(List.of(dataDir), topic -> LogConfig.defaults(), Clock.SYSTEM)) {
            PartitionLog log = logs.getOrCreateLog(STARTS);
            long now = System.currentTimeMillis();
            ByteBuffer batch = new RecordBatchBuilder(CompressionType.NONE)
                    .append(now, null, ("dev start at " + now).getBytes(StandardCharsets.UTF_8)).build();
            LogAppendInfo appended = log.appendAsLeader(batch, 0);
            log.flush();
            int starts = countRecords(log);
            System.out.printf("Storage ready in %s: %d partition log(s); this start was written at offset %d of %s;"
                    + " %d start(s) recorded so far.%n", dataDir.toAbsolutePath(), logs.allLogs().size(),
                    appended.firstOffset(), STARTS, starts);
            logs.offlineDirs().forEach((dir, why) -> System.out.println("Offline log directory " + dir + ": " + why));
        }
        return 0;
    }

    private static int countRecords(PartitionLog log) {
        int count = 0;
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            FetchDataInfo data = log.read(offset, 1 << 20, log.logEndOffset(), true);
            RecordBatch batch = new RecordBatch();
            ByteBuffer records = data.records();
            for (int p = 0; p < records.limit(); p += batch.sizeInBytes()) {
                batch.wrap(records, p);
                for (Record r : batch.records()) {
                    count += r.offset() >= offset ? 1 : 0;
                }
                offset = batch.nextOffset();
            }
        }
        return count;
    }
}
