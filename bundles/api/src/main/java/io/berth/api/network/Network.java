package io.berth.api.network;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A network, as {@code network create} asks for it and as the engine keeps it (docker's network
 * resource). Made with a {@link Builder}; immutable.
 */
public final class Network {
    private final String id;
    private final String name;
    private final String driver;
    private final Instant created;
    private final boolean internal;
    private final boolean enableIpv6;
    private final boolean attachable;
    private final Map<String, String> labels;
    private final Map<String, String> options;
    private final List<IpamConfig> ipam;

    private Network(Builder b) {
        id = b.id;
        name = Objects.requireNonNull(b.name, "name");
        driver = Objects.requireNonNull(b.driver, "driver");
        created = b.created;
        internal = b.internal;
        enableIpv6 = b.enableIpv6;
        attachable = b.attachable;
        labels = b.labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(b.labels));
        options = b.options == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
        ipam = b.ipam == null ? List.of() : List.copyOf(b.ipam);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().id(id).name(name).driver(driver).created(created).internal(internal).enableIpv6(enableIpv6)
                .attachable(attachable).labels(labels).options(options).ipam(ipam);
    }

    /** Its id, 64 hex digits; {@code null} in a request. */
    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** The network driver's name ({@code bridge}, {@code cni}, …). */
    public String driver() {
        return driver;
    }

    /** When it was made; {@code null} in a request. */
    public Instant created() {
        return created;
    }

    /** {@code --internal}: no route out of it. */
    public boolean internal() {
        return internal;
    }

    /** {@code --ipv6}. */
    public boolean enableIpv6() {
        return enableIpv6;
    }

    /** {@code --attachable}: accepted for docker's sake; every local network is. */
    public boolean attachable() {
        return attachable;
    }

    public Map<String, String> labels() {
        return labels;
    }

    /** The driver's options ({@code -o}). */
    public Map<String, String> options() {
        return options;
    }

    /** Its address ranges; empty in a request means the engine picks one. */
    public List<IpamConfig> ipam() {
        return ipam;
    }

    /** Its short id, as {@code network ls} shows it. */
    public String shortId() {
        return id == null ? null : id.substring(0, Math.min(12, id.length()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Network n && Objects.equals(id, n.id) && name.equals(n.name) && driver.equals(n.driver)
                && Objects.equals(created, n.created) && internal == n.internal && enableIpv6 == n.enableIpv6
                && attachable == n.attachable && labels.equals(n.labels) && options.equals(n.options) && ipam.equals(n.ipam);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, driver, created, internal, enableIpv6, attachable, labels, options, ipam);
    }

    @Override
    public String toString() {
        return "Network[id=" + id + ", name=" + name + ", driver=" + driver + ", internal=" + internal + ", ipv6="
                + enableIpv6 + ", labels=" + labels + ", options=" + options + ", ipam=" + ipam + "]";
    }

    /** Sets a {@link Network}'s fields. */
    public static final class Builder {
        private String id;
        private String name;
        private String driver;
        private Instant created;
        private boolean internal;
        private boolean enableIpv6;
        private boolean attachable;
        private Map<String, String> labels;
        private Map<String, String> options;
        private List<IpamConfig> ipam;

        private Builder() {
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder driver(String driver) {
            this.driver = driver;
            return this;
        }

        public Builder created(Instant created) {
            this.created = created;
            return this;
        }

        public Builder internal(boolean internal) {
            this.internal = internal;
            return this;
        }

        public Builder enableIpv6(boolean enableIpv6) {
            this.enableIpv6 = enableIpv6;
            return this;
        }

        public Builder attachable(boolean attachable) {
            this.attachable = attachable;
            return this;
        }

        public Builder labels(Map<String, String> labels) {
            this.labels = labels;
            return this;
        }

        public Builder options(Map<String, String> options) {
            this.options = options;
            return this;
        }

        public Builder ipam(List<IpamConfig> ipam) {
            this.ipam = ipam;
            return this;
        }

        public Network build() {
            return new Network(this);
        }
    }
}
