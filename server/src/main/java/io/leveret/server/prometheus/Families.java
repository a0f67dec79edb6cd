package io.leveret.server.prometheus;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * One metric family being filled: its name, type and help as rabbitmq_prometheus has them, and its samples.
 * Turns into the Prometheus client's snapshot, whose writer produces the text format.
 */
final class Families {
    enum Type { COUNTER, GAUGE, UNTYPED }

    private record Sample(Labels labels, double value) {
    }

    private final List<MetricSnapshot> done = new ArrayList<>();
    private String name;
    private String help;
    private Type type;
    private final List<Sample> samples = new ArrayList<>();

    /** Starts a family; the one before is finished. */
    Families family(Type type, String name, String help) {
        finish();
        this.type = type;
        this.name = name;
        this.help = help;
        return this;
    }

    /** A sample without labels. */
    Families value(double v) {
        samples.add(new Sample(Labels.EMPTY, v));
        return this;
    }

    /** A sample with labels given as name, value, name, value... */
    Families value(double v, String... labels) {
        samples.add(new Sample(Labels.of(labels), v));
        return this;
    }

    private void finish() {
        if (name == null) {
            return;
        }
        switch (type) {
            case COUNTER -> {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
                samples.forEach(s -> b.dataPoint(CounterDataPointSnapshot.builder().labels(s.labels).value(s.value).build()));
                done.add(b.build());
            }
            case GAUGE -> {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
                samples.forEach(s -> b.dataPoint(GaugeDataPointSnapshot.builder().labels(s.labels).value(s.value).build()));
                done.add(b.build());
            }
            case UNTYPED -> {
                UnknownSnapshot.Builder b = UnknownSnapshot.builder().name(name).help(help);
                samples.forEach(s -> b.dataPoint(UnknownDataPointSnapshot.builder().labels(s.labels).value(s.value).build()));
                done.add(b.build());
            }
            default -> throw new IllegalStateException(type.toString());
        }
        samples.clear();
        name = null;
    }

    List<MetricSnapshot> snapshots() {
        finish();
        return done;
    }
}
