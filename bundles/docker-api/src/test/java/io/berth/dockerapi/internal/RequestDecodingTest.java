package io.berth.dockerapi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.MountSpec;
import io.berth.api.network.PortBinding;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the API reads from requests: versions in paths, both filter forms, create bodies as Go decodes them. */
class RequestDecodingTest {
    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void versionedAndUnversionedPaths() {
        assertThat(Versions.split("/_ping")).isEqualTo(new Versions.Split(null, "/_ping"));
        assertThat(Versions.split("/v1.41/containers/json")).isEqualTo(new Versions.Split("1.41", "/containers/json"));
        assertThat(Versions.split("/v1.24/info").version()).isEqualTo("1.24");
        assertThat(Versions.split("/v1.47/info").version()).isEqualTo("1.47");
        assertThatThrownBy(() -> Versions.split("/v1.99/info"))
                .hasMessage("client version 1.99 is too new. Maximum supported API version is 1.47");
        assertThatThrownBy(() -> Versions.split("/v1.11/info")).isInstanceOf(Versions.TooOld.class)
                .hasMessageStartingWith("client version 1.11 is too old. Minimum supported API version is 1.24");
        assertThat(Versions.compare("1.9", "1.41")).isNegative();
    }

    @Test
    void filtersInTheMapFormAndTheListForm() {
        Filters map = QueryFilters.parse("{\"label\":{\"app=x\":true,\"off\":false},\"status\":{\"running\":true}}");
        assertThat(map.get("label")).containsExactly("app=x");
        assertThat(map.get("status")).containsExactly("running");
        Filters list = QueryFilters.parse("{\"label\":[\"com.docker.compose.project=cp1\",\"com.docker.compose.oneoff=False\"]}");
        assertThat(list.get("label")).containsExactly("com.docker.compose.project=cp1", "com.docker.compose.oneoff=False");
        assertThatThrownBy(() -> QueryFilters.parse("[1]")).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("invalid filter '[1]'");
    }

    @Test
    void aCreateBodyAsTheDockerCliSendsIt() throws Exception {
        CreateRequest r = CreateBodies.request(json("""
                {"Hostname":"","User":"","AttachStdin":false,"AttachStdout":true,"AttachStderr":true,"Tty":false,
                 "OpenStdin":true,"StdinOnce":true,"Env":["FOO=bar"],"Cmd":["echo","hi"],"Image":"bb","Volumes":{"/data":{}},
                 "WorkingDir":"","Entrypoint":null,"Labels":{"app":"x"},"ExposedPorts":{"80/tcp":{}},
                 "HostConfig":{"Binds":["/tmp:/host:ro"],"LogConfig":{"Type":"","Config":{"max-size":"1m"}},
                  "NetworkMode":"default","PortBindings":{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":""}]},
                  "RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":true,"ConsoleSize":[0,0],
                  "Privileged":false,"NanoCpus":1500000000,"Memory":67108864,"Init":true,
                  "Mounts":[{"Type":"tmpfs","Target":"/scratch","TmpfsOptions":{"SizeBytes":1048576}}]},
                 "NetworkingConfig":{"EndpointsConfig":{"default":{"IPAMConfig":null,"Aliases":null}}}}
                """), "web");
        assertThat(r.image()).isEqualTo("bb");
        assertThat(r.name()).isEqualTo("web");
        assertThat(r.command()).containsExactly("echo", "hi");
        assertThat(r.entrypoint()).isNull();
        assertThat(r.env()).containsExactly("FOO=bar");
        assertThat(r.openStdin()).isTrue();
        assertThat(r.stdinOnce()).isTrue();
        assertThat(r.labels()).containsEntry("app", "x");
        assertThat(r.exposedPorts()).containsExactly("80/tcp");
        assertThat(r.networks()).isEmpty();
        assertThat(r.host().networkMode()).isEqualTo("bridge");
        assertThat(r.host().autoRemove()).isTrue();
        assertThat(r.host().init()).isTrue();
        assertThat(r.host().binds()).containsExactly("/tmp:/host:ro");
        assertThat(r.host().portBindings()).containsEntry("80/tcp", List.of(new PortBinding("127.0.0.1", "")));
        assertThat(r.host().resources().cpuQuota()).isEqualTo(150_000);
        assertThat(r.host().resources().cpuPeriod()).isEqualTo(100_000);
        assertThat(r.host().resources().memory()).isEqualTo(64 << 20);
        assertThat(r.host().log().maxSize()).isEqualTo(1 << 20);
        assertThat(r.host().restartPolicy().name()).isEqualTo("no");
        assertThat(r.host().mounts()).extracting(MountSpec::type, MountSpec::target, MountSpec::tmpfsSize)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("bind", "/host", 0L),
                        org.assertj.core.groups.Tuple.tuple("tmpfs", "/scratch", 1048576L),
                        org.assertj.core.groups.Tuple.tuple("volume", "/data", 0L));
    }

    @Test
    void fieldsInAnyCaseAndNullsAsZeroValues() throws Exception {
        CreateRequest r = CreateBodies.request(json("""
                {"image":"bb","cmd":"true","tty":null,"hostconfig":{"memory":null,"networkmode":"app"},
                 "NetworkingConfig":{"EndpointsConfig":{"app":{"Aliases":["svc"],"IPAMConfig":{"IPv4Address":"10.1.0.9"}}}}}
                """), "");
        assertThat(r.name()).isNull();
        assertThat(r.command()).containsExactly("true");
        assertThat(r.tty()).isFalse();
        assertThat(r.host().networkMode()).isEqualTo("app");
        assertThat(r.networks().get("app").aliases()).containsExactly("svc");
        assertThat(r.networks().get("app").ipv4Address()).isEqualTo("10.1.0.9");
    }

    @Test
    void whatBerthCannotHonourIsRefusedByName() {
        assertThatThrownBy(() -> CreateBodies.request(json("{\"Image\":\"bb\",\"HostConfig\":{\"Sysctls\":{\"a\":\"1\"}}}"), null))
                .isInstanceOf(InvalidArgumentException.class).hasMessage("HostConfig.Sysctls is not supported by Berth");
        assertThatThrownBy(() -> CreateBodies.request(json("{\"Image\":\"bb\",\"HostConfig\":{\"PidMode\":\"host\"}}"), null))
                .hasMessage("HostConfig.PidMode is not supported by Berth");
        assertThatThrownBy(() -> CreateBodies.request(json("{\"Image\":\"bb\",\"HostConfig\":{\"LogConfig\":{\"Type\":\"syslog\"}}}"),
                null)).hasMessage("logging driver syslog is not supported by Berth (json-file only)");
        // Zero values are no request at all.
        CreateRequest r = CreateBodies.request(jsonUnchecked(
                "{\"Image\":\"bb\",\"HostConfig\":{\"Sysctls\":{},\"PidMode\":\"\",\"OomScoreAdj\":0,\"Links\":null}}"), null);
        assertThat(r.image()).isEqualTo("bb");
    }

    @Test
    void valuesOfTheWrongTypeAreRefusedAsGoRefusesThem() {
        assertThatThrownBy(() -> CreateBodies.request(json("{\"Image\":\"bb\",\"Cmd\":5}"), null))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("json: cannot unmarshal number into Go struct field Config.Cmd of type []string");
        assertThatThrownBy(() -> CreateBodies.request(json("{\"Image\":\"bb\",\"HostConfig\":\"x\"}"), null))
                .hasMessage("json: cannot unmarshal string into Go struct field Config.HostConfig of type map");
        assertThatThrownBy(() -> CreateBodies.request(json("{\"Image\":\"bb\",\"HostConfig\":{\"Memory\":\"1g\"}}"), null))
                .hasMessage("json: cannot unmarshal string into Go struct field HostConfig.Memory of type int64");
        assertThatThrownBy(() -> CreateBodies.request(json("{\"Image\":\"bb\",\"Env\":[1]}"), null))
                .hasMessage("json: cannot unmarshal array into Go struct field Config.Env of type []string");
        // Unknown fields are ignored, as Go's decoder ignores them (docker-java sends some).
        assertThat(CreateBodies.request(jsonUnchecked("{\"Image\":\"bb\",\"containerId\":\"x\",\"NoSuchField\":1}"), null)
                .image()).isEqualTo("bb");
    }

    private static JsonNode jsonUnchecked(String text) {
        try {
            return json(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anUpdateBodyChangesOnlyWhatIsSet() throws Exception {
        // The docker CLI's body for update --memory 100m --memory-swap 200m --cpus 0.5 --restart on-failure:2.
        var u = CreateBodies.update(json("{\"BlkioWeight\":0,\"CpuShares\":0,\"Memory\":104857600,\"MemorySwap\":209715200,"
                + "\"NanoCpus\":500000000,\"CpusetCpus\":\"\",\"MemorySwappiness\":null,\"KernelMemory\":0,\"PidsLimit\":null,"
                + "\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":2}}"));
        assertThat(u.memory()).isEqualTo(104857600L);
        assertThat(u.memorySwap()).isEqualTo(209715200L);
        assertThat(u.cpuQuota()).isEqualTo(50000L);
        assertThat(u.cpuPeriod()).isEqualTo(100000L);
        assertThat(u.cpuShares()).isNull();
        assertThat(u.cpusetCpus()).isNull();
        assertThat(u.pidsLimit()).isNull();
        assertThat(u.restartPolicy().toString()).isEqualTo("on-failure:2");
        assertThat(CreateBodies.update(json("{\"PidsLimit\":-1}")).pidsLimit()).isEqualTo(-1L);
        assertThat(CreateBodies.update(null).isEmpty()).isTrue();
        assertThat(CreateBodies.update(json("{\"Unknown\":1}")).isEmpty()).isTrue();
        assertThatThrownBy(() -> CreateBodies.update(json("{\"CpuShares\":\"x\"}")))
                .hasMessage("json: cannot unmarshal string into Go struct field UpdateConfig.CpuShares of type int64");
        assertThatThrownBy(() -> CreateBodies.update(json("{\"BlkioWeight\":300}"))).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("BlkioWeight is not supported by Berth");
        assertThatThrownBy(() -> CreateBodies.update(json("{\"NanoCpus\":500000000,\"CpuPeriod\":100000}")))
                .hasMessage("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        assertThatThrownBy(() -> CreateBodies.update(json("{\"NanoCpus\":1000}")))
                .hasMessageStartingWith("Range of CPUs is from 0.01 to ");
        assertThatThrownBy(() -> CreateBodies.update(json("[1]")))
                .hasMessage("json: cannot unmarshal array into Go value of type container.UpdateConfig");
    }

    @Test
    void framesAsStdcopyWritesThem() {
        assertThat(Frames.frame(2, "err\n".getBytes(), 0, 4)).containsExactly(2, 0, 0, 0, 0, 0, 0, 4, 'e', 'r', 'r', '\n');
        byte[] big = new byte[70000];
        byte[] f = Frames.frame(1, big, 0, big.length);
        assertThat(f).startsWith(1, 0, 0, 0, 0, 1, 0x11, 0x70);
        assertThat(f).hasSize(70008);
    }
}
