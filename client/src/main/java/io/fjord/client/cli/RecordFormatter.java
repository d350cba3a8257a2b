package io.fjord.client.cli;

import io.fjord.client.ConsumerRecord;

/** Prints consumed records as text or as one JSON object per line. Stateless. */
final class RecordFormatter {
    private RecordFormatter() {
    }

    static String text(ConsumerRecord r, boolean printKey, String keySeparator) {
        String value = r.value() == null ? "null" : r.valueAsString();
        if (!printKey) {
            return value;
        }
        return (r.key() == null ? "null" : r.keyAsString()) + keySeparator + value;
    }

    static String json(ConsumerRecord r) {
        return "{\"partition\":" + r.partition() + ",\"offset\":" + r.offset() + ",\"timestamp\":" + r.timestamp()
                + ",\"key\":" + quote(r.keyAsString()) + ",\"value\":" + quote(r.valueAsString()) + "}";
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }
}
