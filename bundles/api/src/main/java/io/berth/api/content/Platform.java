package io.berth.api.content;

import java.util.List;
import java.util.Objects;

/**
 * The platform an image is built for, as in an OCI index entry or an image config:
 * {@code linux/amd64}, {@code linux/arm64/v8}.
 *
 * @param os the operating system, such as {@code linux}
 * @param architecture the CPU architecture in Go's naming, such as {@code amd64} or {@code arm64}
 * @param variant the CPU variant, such as {@code v8}, or {@code null}
 * @param osVersion the operating system version, or {@code null}
 * @param osFeatures required operating system features; empty if none
 */
public record Platform(String os, String architecture, String variant, String osVersion, List<String> osFeatures) {
    public Platform {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(architecture, "architecture");
        osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
    }

    public Platform(String os, String architecture, String variant) {
        this(os, architecture, variant, null, List.of());
    }

    /**
     * Parses {@code os/arch[/variant]}, as {@code --platform} takes it.
     *
     * @throws io.berth.api.InvalidArgumentException if the text has not two or three parts
     */
    public static Platform parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()
                || (parts.length == 3 && parts[2].isEmpty())) {
            throw new io.berth.api.InvalidArgumentException(
                    "invalid platform '" + text + "': expected os/arch[/variant]");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    /** The platform of the host the JVM runs on, in Go's names ({@code amd64}, {@code arm64}). */
    public static Platform host() {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> System.getProperty("os.arch");
        };
        return new Platform(System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT), arch,
                arch.equals("arm64") ? "v8" : null);
    }

    /** {@code os/arch[/variant]}. */
    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
