#!/usr/bin/env bash
# Runs the README's performance sequence on Fjord and on Apache Kafka in alternation, on this machine, so that both
# meet the same moments of a shared VM (its speed varies by 2x within minutes). Each round: a fresh `./fjord dev`
# and the five `./fjord perf` runs, and a fresh single-node KRaft Kafka with its own perf tools and the same
# settings (Fjord first in odd rounds, Kafka in even ones); each system ends its turn producing 100-byte records for
# 10 s at a fixed rate (FIXED_RATE, default 200,000 records/s, which both reach here), to compare latency at the
# same load. One line per run, with the broker's CPU seconds and the VM's steal time over the run.
#
#   deploy/bench/kafka-compare.sh [ROUNDS]      (default 3; about 5 minutes per round here)
#
# Kafka (KAFKA_VERSION, default 4.1.1) comes from the Maven registry through ./mvnw into $KAFKA_BENCH_DIR
# (default /tmp/fjord-kafka-bench) on the first run. Kafka runs with its start scripts' JVM options (1 GiB heap for
# the broker, 512 MiB for the tools, G1 with 20 ms pauses) on $KAFKA_JAVA_HOME (default: the JDK ./fjord picks) and
# logs warnings only. Ports: Fjord 9092/9093 (./fjord dev's), Kafka 19092/19093; both must be free.
# Each round's data (about 2 GB per system) is deleted when the round ends.
set -euo pipefail
fail() { echo "kafka-compare: $*" >&2; exit 1; }
root="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${1:-3}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || fail "ROUNDS must be a positive number, not '$rounds'"
rate="${FIXED_RATE:-200000}" # records/s of the two fixed-rate runs, which compare latency at the same load
version="${KAFKA_VERSION:-4.1.1}"
work="${KAFKA_BENCH_DIR:-/tmp/fjord-kafka-bench}"
libs="$work/kafka-$version/libs"

check_ports_free() {
  local port
  for port in 9092 9093 19092 19093; do
    if port_in_use "$port"; then fail "port $port is in use; stop what listens there"; fi
  done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
check_ports_free

# also builds Fjord and records its JDK's AOT cache when needed, before any round
fjord_version="$("$root/fjord" --version)" || fail "./fjord --version failed"
java_home="${KAFKA_JAVA_HOME:-$(sed -n 's/^Java .* at //p' <<< "$fjord_version")}"
[ -x "$java_home/bin/java" ] || fail "no java at $java_home (set KAFKA_JAVA_HOME)"

if [ ! -d "$libs" ]; then
  echo "kafka-compare: fetching Kafka $version into $libs ..." >&2
  mkdir -p "$work/kafka-$version"
  cat > "$work/kafka-$version/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.bench</groupId><artifactId>kafka-libs</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>2.24.3</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.17</version></dependency>
  </dependencies>
</project>
EOF
  rm -rf "$libs.tmp"
  "$root/mvnw" -q -B -f "$work/kafka-$version/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies -DoutputDirectory="$libs.tmp" >&2
  mv "$libs.tmp" "$libs" # only a complete copy counts
fi
cat > "$work/log4j2.properties" <<EOF
appender.out.type=Console
appender.out.name=out
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=WARN
rootLogger.appenderRef.out.ref=out
EOF
cat > "$work/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:19093
listeners=PLAINTEXT://localhost:19092,CONTROLLER://localhost:19093
advertised.listeners=PLAINTEXT://localhost:19092
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
log.dirs=$work/kafka-data
EOF

kafka_jvm=(-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
  -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true
  -Dlog4j2.configurationFile="$work/log4j2.properties" -cp "$libs/*")
kafka() { "$java_home/bin/java" "${kafka_jvm[@]}" "$@"; }

broker_pid=""
stop_broker() {
  if [ -n "$broker_pid" ]; then kill -TERM "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; fi
  broker_pid=""
}
# the data of a round (about 2 GB) goes when the round ends, or the script does
cleanup() { stop_broker; rm -rf "$work/fjord-data" "$work/kafka-data"; }
trap cleanup EXIT

# wait_until LOG CONDITION...: until the condition holds, while the broker lives (up to 5 minutes)
wait_until() {
  local log="$1" i
  shift
  for i in $(seq 1 600); do
    "$@" && return 0
    kill -0 "$broker_pid" 2>/dev/null || fail "the broker stopped while starting: $(tail -n 3 "$log")"
    sleep 0.5
  done
  fail "the broker did not get ready within 5 minutes: $(tail -n 3 "$log")"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$broker_pid/stat"; }
steal_and_total() { awk '/^cpu /{print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
# measure LABEL COMMAND...: runs a perf command, prints its summary line, the broker's CPU and the steal time
measure() {
  local label="$1" cpu0 steal0 output status=0 summary
  shift
  cpu0="$(cpu_ticks)"
  steal0="$(steal_and_total)"
  output="$("$@" 2>&1)" || status=$?
  summary="$(grep -E "records (sent|received)|^[0-9]{4}-" <<< "$output" | tail -n 1 || true)"
  if [ "$status" -ne 0 ]; then summary="${summary:-no summary} (FAILED, exit $status: $(tail -n 1 <<< "$output"))"; fi
  printf '  %-26s %s\n' "$label" "$summary"
  printf '  %-26s broker CPU %s s, steal %s\n' "" \
    "$(awk -v a="$cpu0" -v b="$(cpu_ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", (b - a) / hz}')" \
    "$(echo "$steal0 $(steal_and_total)" | awk '{printf "%.0f%%", 100 * ($3 - $1) / ($4 - $2)}')"
}
rss() { awk '/^Rss/ {printf "%.0f MiB", $2 / 1024}' "/proc/$broker_pid/smaps_rollup"; }

# fjord_produce TOPIC RECORDS SIZE ACKS [RECORDS_PER_S]: the README's perf produce (unthrottled without a rate)
fjord_produce() {
  "$root/fjord" perf produce --topic "$1" --records "$2" --record-size "$3" --acks "$4" --throughput "${5:--1}" \
    --batch-size 65536 --linger-ms 5
}

fjord_round() {
  local data="$work/fjord-data"
  check_ports_free
  rm -rf "$data"
  "$root/fjord" dev --data-dir "$data" --management-port -1 > "$work/fjord-dev.log" 2>&1 &
  broker_pid=$!
  wait_until "$work/fjord-dev.log" grep -q "Fjord dev ready" "$work/fjord-dev.log"
  measure "produce 100 B acks=1" fjord_produce p100 5000000 100 1
  measure "produce 100 B acks=all" fjord_produce pall 5000000 100 all
  measure "produce 1 KiB acks=1" fjord_produce p1k 1000000 1024 1
  measure "consume 100 B" "$root/fjord" perf consume --topic p100 --records 5000000
  measure "consume 1 KiB" "$root/fjord" perf consume --topic p1k --records 1000000
  measure "100 B acks=1 at $rate/s" fjord_produce r1 $((rate * 10)) 100 1 "$rate"
  measure "100 B acks=all at $rate/s" fjord_produce rall $((rate * 10)) 100 all "$rate"
  echo "  broker RSS $(rss)"
  cleanup
}

# kafka_produce TOPIC RECORDS SIZE ACKS [RECORDS_PER_S]: the same with Kafka's tool
kafka_produce() {
  kafka -Xmx512M org.apache.kafka.tools.ProducerPerformance --topic "$1" --num-records "$2" --record-size "$3" \
    --throughput "${5:--1}" --producer-props bootstrap.servers=localhost:19092 "acks=$4" batch.size=65536 linger.ms=5
}
kafka_consume() {
  kafka -Xmx512M org.apache.kafka.tools.ConsumerPerformance --bootstrap-server localhost:19092 --topic "$1" \
    --messages "$2" --hide-header
}

kafka_round() {
  check_ports_free
  rm -rf "$work/kafka-data"
  kafka kafka.tools.StorageTool format --standalone -c "$work/server.properties" \
    -t "$(kafka kafka.tools.StorageTool random-uuid)" > /dev/null
  # java itself in the background (not the kafka function's subshell), so that $! is the broker's pid
  "$java_home/bin/java" "${kafka_jvm[@]}" -Xmx1G -Xms1G kafka.Kafka "$work/server.properties" \
    > "$work/kafka-server.log" 2>&1 &
  broker_pid=$!
  wait_until "$work/kafka-server.log" port_in_use 19092
  sleep 2 # the broker registers with its controller after it listens
  measure "produce 100 B acks=1" kafka_produce p100 5000000 100 1
  measure "produce 100 B acks=all" kafka_produce pall 5000000 100 all
  measure "produce 1 KiB acks=1" kafka_produce p1k 1000000 1024 1
  measure "consume 100 B" kafka_consume p100 5000000
  measure "consume 1 KiB" kafka_consume p1k 1000000
  measure "100 B acks=1 at $rate/s" kafka_produce r1 $((rate * 10)) 100 1 "$rate"
  measure "100 B acks=all at $rate/s" kafka_produce rall $((rate * 10)) 100 all "$rate"
  echo "  broker RSS $(rss)"
  cleanup
}

echo "Kafka $version and Fjord, $rounds rounds, Java at $java_home (Kafka's consumer line: start, end, MB, MB/s," \
  "records, records/s, rebalance ms, fetch ms, fetch MB/s, fetch records/s)"
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then order=(fjord kafka); else order=(kafka fjord); fi # no system goes first always
  for system in "${order[@]}"; do
    if [ "$system" = fjord ]; then
      echo "round $round, Fjord, $(date +%T)"
      fjord_round
    else
      echo "round $round, Kafka $version, $(date +%T)"
      kafka_round
    fi
  done
done
