package io.berth.api.container;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A container as {@code ps} lists it. Made by the container service with a {@link Builder}, so
 * that fields can be added without breaking callers; immutable.
 */
public final class Container {
    private final String id;
    private final String name;
    private final String image;
    private final String imageId;
    private final List<String> command;
    private final Instant created;
    private final ContainerState state;
    private final String runtime;
    private final String storage;
    private final Map<String, String> labels;
    private final long sizeRw;
    private final List<io.berth.api.network.PortMapping> ports;
    private final List<String> networks;
    private final List<MountPoint> mountPoints;

    private Container(Builder b) {
        id = Objects.requireNonNull(b.id, "id");
        name = Objects.requireNonNull(b.name, "name");
        image = b.image;
        imageId = b.imageId;
        command = b.command == null ? List.of() : List.copyOf(b.command);
        created = b.created;
        state = b.state;
        runtime = b.runtime;
        storage = b.storage;
        labels = b.labels == null ? Map.of() : Map.copyOf(b.labels);
        sizeRw = b.sizeRw;
        ports = b.ports == null ? List.of() : List.copyOf(b.ports);
        networks = b.networks == null ? List.of() : List.copyOf(b.networks);
        mountPoints = b.mountPoints == null ? List.of() : List.copyOf(b.mountPoints);
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this one. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.name = name;
        b.image = image;
        b.imageId = imageId;
        b.command = command;
        b.created = created;
        b.state = state;
        b.runtime = runtime;
        b.storage = storage;
        b.labels = labels;
        b.sizeRw = sizeRw;
        b.ports = ports;
        b.networks = networks;
        b.mountPoints = mountPoints;
        return b;
    }

    /** The container id, 64 lowercase hexadecimal characters. */
    public String id() {
        return id;
    }

    /** Its name, without docker's leading slash. */
    public String name() {
        return name;
    }

    /** The image as the user named it. */
    public String image() {
        return image;
    }

    /** The id of that image. */
    public String imageId() {
        return imageId;
    }

    /** The command it runs, with its arguments. */
    public List<String> command() {
        return command;
    }

    /** When it was made. */
    public Instant created() {
        return created;
    }

    /** Its state. */
    public ContainerState state() {
        return state;
    }

    /** The name of its runtime driver. */
    public String runtime() {
        return runtime;
    }

    /** The name of its storage driver. */
    public String storage() {
        return storage;
    }

    /** Its labels; empty if none. */
    public Map<String, String> labels() {
        return labels;
    }

    /** Bytes its writable layer holds, or -1 when not computed. */
    public long sizeRw() {
        return sizeRw;
    }

    /** Its ports as {@code ps} shows them: published ones, and exposed ones with host port 0. @since 2.2 */
    public List<io.berth.api.network.PortMapping> ports() {
        return ports;
    }

    /** The names of the networks it is connected to (its network mode for {@code host}, {@code none}, {@code container:ID}). @since 2.2 */
    public List<String> networks() {
        return networks;
    }

    /** Its mounts (volumes, binds, tmpfs), as {@code ps --format {{.Mounts}}} and the {@code volume} filter see them. @since 2.3 */
    public List<MountPoint> mountPoints() {
        return mountPoints;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Container c && Objects.equals(id, c.id) && Objects.equals(name, c.name)
                && Objects.equals(image, c.image) && Objects.equals(imageId, c.imageId)
                && Objects.equals(command, c.command) && Objects.equals(created, c.created)
                && Objects.equals(state, c.state) && Objects.equals(runtime, c.runtime)
                && Objects.equals(storage, c.storage) && Objects.equals(labels, c.labels) && sizeRw == c.sizeRw;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, image, imageId, command, created, state, runtime, storage, labels, sizeRw);
    }

    @Override
    public String toString() {
        return "Container[" + "id=" + id + ", name=" + name + ", image=" + image + ", imageId=" + imageId +
                ", command=" + command + ", created=" + created + ", state=" + state + ", runtime=" + runtime +
                ", storage=" + storage + ", labels=" + labels + ", sizeRw=" + sizeRw + "]";
    }

    /** Sets a {@link Container}'s fields. */
    public static final class Builder {
        private String id;
        private String name;
        private String image;
        private String imageId;
        private List<String> command;
        private Instant created;
        private ContainerState state;
        private String runtime;
        private String storage;
        private Map<String, String> labels;
        private long sizeRw;
        private List<io.berth.api.network.PortMapping> ports;
        private List<String> networks;
        private List<MountPoint> mountPoints;

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

        public Builder image(String image) {
            this.image = image;
            return this;
        }

        public Builder imageId(String imageId) {
            this.imageId = imageId;
            return this;
        }

        public Builder command(List<String> command) {
            this.command = command;
            return this;
        }

        public Builder created(Instant created) {
            this.created = created;
            return this;
        }

        public Builder state(ContainerState state) {
            this.state = state;
            return this;
        }

        public Builder runtime(String runtime) {
            this.runtime = runtime;
            return this;
        }

        public Builder storage(String storage) {
            this.storage = storage;
            return this;
        }

        public Builder labels(Map<String, String> labels) {
            this.labels = labels;
            return this;
        }

        public Builder sizeRw(long sizeRw) {
            this.sizeRw = sizeRw;
            return this;
        }

        public Builder ports(List<io.berth.api.network.PortMapping> ports) {
            this.ports = ports;
            return this;
        }

        public Builder networks(List<String> networks) {
            this.networks = networks;
            return this;
        }

        public Builder mountPoints(List<MountPoint> mountPoints) {
            this.mountPoints = mountPoints;
            return this;
        }

        public Container build() {
            return new Container(this);
        }
    }
}
