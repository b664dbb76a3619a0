package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.container.ExecRequest;
import io.berth.api.container.HostConfig;
import io.berth.api.image.ContainerConfig;
import io.berth.api.runtime.ConsoleSize;
import io.berth.api.runtime.ContainerDefaults;
import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.ProcessSpec;
import io.berth.api.storage.Mount;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the engine hands a runtime driver, computed from a container's record and its root filesystem. */
class RuntimeSpecsTest {
    @TempDir
    Path tmp;
    private Path rootfs;

    @BeforeEach
    void rootfs() throws IOException {
        rootfs = Files.createDirectories(tmp.resolve("rootfs/etc"));
        Files.writeString(rootfs.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n");
        Files.writeString(rootfs.resolve("group"), "root:x:0:\nusers:x:100:user\nuser:x:1000:\n");
        rootfs = rootfs.getParent();
    }

    private static ContainerRecord record(ContainerConfig config, HostConfig host) {
        return new ContainerRecord("a".repeat(64), "c", Instant.now().toString(), "busybox", "sha256:" + "0".repeat(64), "sh",
                List.of("-c", "true"), config, host, "overlay", "a".repeat(64), "init", null, null, null);
    }

    @Test
    void theEnvironmentIsDockers() {
        ContainerConfig c = ContainerConfig.builder().hostname("box").env(List.of("A=1", "PATH=/x", "HOME=/elsewhere")).build();
        assertThat(RuntimeSpecs.environment(c, List.of("B=2", "A"), "/root", true))
                .containsExactly("PATH=/x", "HOSTNAME=box", "HOME=/elsewhere", "B=2", "TERM=xterm");
        assertThat(RuntimeSpecs.environment(ContainerConfig.builder().hostname("box").build(), List.of(), "/home/user", false))
                .containsExactly(ContainerDefaults.PATH, "HOSTNAME=box", "HOME=/home/user");
        assertThat(RuntimeSpecs.mergeEnv(List.of("A=1", "B=2"), List.of("A=3", "B", "C=4"))).containsExactly("A=3", "C=4");
    }

    @Test
    void aContainersSpecHasItsUserFilesTmpfsAndDefaults() throws IOException {
        ContainerConfig c = ContainerConfig.builder().hostname("box").user("user").workingDir("/work").tty(true)
                .openStdin(true).build();
        HostConfig h = HostConfig.builder().runtime("native").tmpfs(Map.of("/run", "size=1m,exec")).capDrop(List.of("ALL"))
                .readonlyRootfs(true).build();
        ContainerSpec spec = RuntimeSpecs.container(record(c, h), tmp.resolve("dir"), rootfs, tmp.resolve("state"),
                tmp.resolve("log"), new ConsoleSize(30, 90));
        ProcessSpec p = spec.process();
        assertThat(p.args()).containsExactly("sh", "-c", "true");
        assertThat(p.user().uid()).isEqualTo(1000);
        assertThat(p.user().additionalGids()).containsExactly(1000, 100);
        assertThat(p.cwd()).isEqualTo("/work");
        assertThat(rootfs.resolve("work")).isDirectory();
        assertThat(p.env()).contains("HOME=/home/user", "TERM=xterm");
        assertThat(p.capabilities()).isEmpty();
        assertThat(p.noNewPrivileges()).isTrue();
        assertThat(p.consoleSize()).isEqualTo(new ConsoleSize(30, 90));
        assertThat(spec.readonlyRootfs()).isTrue();
        assertThat(spec.maskedPaths()).isEqualTo(ContainerDefaults.MASKED_PATHS);
        assertThat(spec.mounts()).extracting(Mount::target)
                .containsExactly("/etc/resolv.conf", "/etc/hostname", "/etc/hosts", "/run");
        // docker's tmpfs defaults, with exec lifting noexec.
        assertThat(spec.mounts().get(3).options()).containsExactly("nosuid", "nodev", "size=1m");
        assertThat(rootfs.resolve("run")).isDirectory();
    }

    @Test
    void anInitRunsTheCommandFromAReadOnlyBindAtDockersPath() throws IOException {
        Path init = Files.writeString(tmp.resolve("tini-static"), "an init");
        HostConfig h = HostConfig.builder().init(true).build();
        ContainerSpec spec = RuntimeSpecs.container(record(ContainerConfig.builder().hostname("box").build(), h),
                tmp.resolve("dir"), rootfs, tmp.resolve("state"), tmp.resolve("log"), null, init);
        assertThat(spec.process().args()).containsExactly("/sbin/docker-init", "--", "sh", "-c", "true");
        Mount bind = spec.mounts().get(spec.mounts().size() - 1);
        assertThat(bind.type()).isEqualTo("bind");
        assertThat(bind.source()).isEqualTo(init.toString());
        assertThat(bind.target()).isEqualTo("/sbin/docker-init");
        assertThat(bind.readOnly()).isTrue();
        // A file for the bind to cover, made in the container's root.
        assertThat(rootfs.resolve("sbin/docker-init")).isRegularFile();
        // The command as the record keeps it, which ps and inspect show.
        assertThat(RuntimeSpecs.command(record(ContainerConfig.builder().build(), h))).containsExactly("sh", "-c", "true");
    }

    @Test
    void anInitsMountPointFollowsTheImagesLinksInsideItsRoot() throws IOException {
        Files.createDirectories(rootfs.resolve("usr/sbin"));
        Files.createSymbolicLink(rootfs.resolve("sbin"), Path.of("usr/sbin"));
        Path init = Files.writeString(tmp.resolve("tini-static"), "an init");
        ContainerSpec spec = RuntimeSpecs.container(record(ContainerConfig.builder().hostname("box").build(),
                HostConfig.builder().init(true).build()), tmp.resolve("dir"), rootfs, tmp.resolve("state"),
                tmp.resolve("log"), null, init);
        assertThat(spec.mounts().get(spec.mounts().size() - 1).target()).isEqualTo("/usr/sbin/docker-init");
        assertThat(rootfs.resolve("usr/sbin/docker-init")).isRegularFile();
        // The process still names /sbin/docker-init: the container's kernel follows the link.
        assertThat(spec.process().args().get(0)).isEqualTo("/sbin/docker-init");
    }

    @Test
    void noInitNoMountAndTheCommandAsItIs() throws IOException {
        ContainerSpec spec = RuntimeSpecs.container(record(ContainerConfig.builder().hostname("box").build(),
                HostConfig.builder().init(false).build()), tmp.resolve("dir"), rootfs, tmp.resolve("state"),
                tmp.resolve("log"), null);
        assertThat(spec.process().args()).containsExactly("sh", "-c", "true");
        assertThat(spec.mounts()).extracting(Mount::target).doesNotContain("/sbin/docker-init");
        assertThat(rootfs.resolve("sbin")).doesNotExist();
    }

    @Test
    void noNewPrivilegesIsOnUnlessPrivilegedOrTurnedOff() throws IOException {
        ContainerConfig c = ContainerConfig.builder().hostname("box").build();
        assertThat(process(c, HostConfig.builder().privileged(true).build()).noNewPrivileges()).isFalse();
        assertThat(process(c, HostConfig.builder().securityOpt(List.of("no-new-privileges=false")).build()).noNewPrivileges())
                .isFalse();
        assertThat(process(c, HostConfig.builder().privileged(true).securityOpt(List.of("no-new-privileges")).build())
                .noNewPrivileges()).isTrue();
    }

    private ProcessSpec process(ContainerConfig c, HostConfig h) throws IOException {
        return RuntimeSpecs.container(record(c, h), tmp.resolve("dir"), rootfs, tmp.resolve("state"), tmp.resolve("log"), null)
                .process();
    }

    @Test
    void anExecTakesTheContainersDefaultsUnlessTheRequestSaysOtherwise() throws IOException {
        ContainerConfig c = ContainerConfig.builder().hostname("box").user("user").workingDir("/work")
                .env(List.of("A=1")).build();
        ContainerRecord r = record(c, HostConfig.builder().runtime("native").build());
        ProcessSpec p = RuntimeSpecs.exec(r, rootfs, ExecRequest.builder(List.of("id")).env(List.of("A")).build());
        assertThat(p.user().uid()).isEqualTo(1000);
        assertThat(p.cwd()).isEqualTo("/work");
        assertThat(p.env()).doesNotContain("A=1").contains("HOME=/home/user");
        ProcessSpec root = RuntimeSpecs.exec(r, rootfs, ExecRequest.builder(List.of("id")).user("0").workingDir("/tmp")
                .privileged(true).tty(true).size(new ConsoleSize(10, 20)).build());
        assertThat(root.user().uid()).isZero();
        assertThat(root.cwd()).isEqualTo("/tmp");
        assertThat(root.capabilities()).containsExactlyInAnyOrderElementsOf(ContainerDefaults.ALL_CAPABILITIES);
        assertThat(root.terminal()).isTrue();
        assertThat(root.consoleSize()).isEqualTo(new ConsoleSize(10, 20));
        assertThatThrownBy(() -> RuntimeSpecs.exec(r, rootfs, ExecRequest.builder(List.of("id")).workingDir("rel").build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("the working directory 'rel' is invalid, it needs to be an absolute path");
    }
}
