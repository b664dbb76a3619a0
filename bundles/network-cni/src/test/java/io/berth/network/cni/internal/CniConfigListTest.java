package io.berth.network.cni.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.api.InvalidArgumentException;
import io.berth.api.network.IpamConfig;
import io.berth.api.network.PortMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The configuration list without a kernel: finding it, checking it, deriving each plugin's request as
 * the CNI specification says, reading results, and running plugins (small scripts standing in for
 * plugins) with their errors turned into one-line messages.
 */
class CniConfigListTest {
    private static final String LIST = """
            {"cniVersion":"1.0.0","name":"net1","plugins":[
              {"type":"bridge","bridge":"br9","ipMasq":true,"capabilities":{"mac":true},
               "ipam":{"type":"host-local","ranges":[[{"subnet":"10.9.0.0/24","gateway":"10.9.0.254"}],
                                                      [{"subnet":"fd09::/64"}]]}},
              {"type":"loopback"},
              {"type":"portmap","capabilities":{"portMappings":true,"ips":false},"snat":true}]}
            """;

    @TempDir
    Path dir;

    @Test
    void derivesEachPluginsRequest() throws Exception {
        CniConfigList list = CniConfigList.parse("x.conflist", LIST);
        assertThat(list.name()).isEqualTo("net1");
        assertThat(list.chain()).extracting(CniConfigList::type).containsExactly("bridge", "portmap");
        assertThat(list.binaries()).containsExactly("bridge", "host-local", "portmap");
        ObjectNode rc = CniDriver.runtimeConfig(List.of(new PortMapping("tcp", 80, "0.0.0.0", 8080),
                new PortMapping("udp", 53, "127.0.0.1", 5353)), "02:42:0a:09:00:02");
        JsonNode prev = CniConfigList.JSON.readTree("{\"cniVersion\":\"1.0.0\",\"ips\":[]}");

        ObjectNode bridge = list.request(list.chain().get(0), rc, null);
        assertThat(bridge.get("cniVersion").asText()).isEqualTo("1.0.0");
        assertThat(bridge.get("name").asText()).isEqualTo("net1");
        assertThat(bridge.has("capabilities")).isFalse();
        assertThat(bridge.has("prevResult")).isFalse();
        assertThat(bridge.get("runtimeConfig").toString()).isEqualTo("{\"mac\":\"02:42:0a:09:00:02\"}");

        ObjectNode portmap = list.request(list.chain().get(1), rc, prev);
        assertThat(portmap.get("runtimeConfig").toString()).isEqualTo("{\"portMappings\":["
                + "{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\"},"
                + "{\"hostPort\":5353,\"containerPort\":53,\"protocol\":\"udp\",\"hostIP\":\"127.0.0.1\"}]}");
        assertThat(portmap.get("prevResult")).isEqualTo(prev);
        assertThat(portmap.get("snat").asBoolean()).isTrue();
        // The list's plugins are not changed by a request.
        assertThat(list.chain().get(1).has("capabilities")).isTrue();

        // Nothing granted: no runtimeConfig at all.
        assertThat(list.request(list.chain().get(1), CniDriver.runtimeConfig(List.of(), null), prev).has("runtimeConfig"))
                .isFalse();
    }

    @Test
    void showsTheIpamRanges() {
        CniConfigList list = CniConfigList.parse("x.conflist", LIST);
        assertThat(list.ipam()).containsExactly(new IpamConfig("10.9.0.0/24", "10.9.0.254", null),
                new IpamConfig("fd09::/64", "fd09:0:0:0:0:0:0:1", null));
        CniConfigList legacy = CniConfigList.parse("y.conf", """
                {"cniVersion":"0.4.0","name":"old","type":"bridge","ipam":{"type":"host-local","subnet":"10.7.4.0/22"}}""");
        assertThat(legacy.ipam()).containsExactly(new IpamConfig("10.7.4.0/22", "10.7.4.1", null));
        assertThat(CniConfigList.parse("z.conflist", """
                {"cniVersion":"1.0.0","name":"n","plugins":[{"type":"macvlan","ipam":{"type":"dhcp"}}]}""").ipam())
                .isEmpty();
        assertThat(list.bridges()).containsExactly("br9");
        assertThat(list.bridgeMasquerades()).isTrue();
    }

    @Test
    void findsByFileNameThenByConfigName() throws Exception {
        Files.writeString(dir.resolve("10-first.conflist"), LIST);
        Files.writeString(dir.resolve("20-single.conf"), """
                {"cniVersion":"1.0.0","name":"single","type":"bridge","bridge":"br8"}""");
        Files.writeString(dir.resolve("30-broken.json"), "{ not json");
        Files.writeString(dir.resolve("net1.conf"), "{\"cniVersion\":\"1.0.0\",\"name\":\"other\",\"type\":\"ptp\"}");

        assertThat(CniConfigList.find(dir, "10-first").text()).isEqualTo(LIST);
        assertThat(CniConfigList.find(dir, "10-first.conflist").source())
                .isEqualTo(dir.resolve("10-first.conflist").toString());
        // A file named net1.conf wins over the list whose name is net1.
        assertThat(CniConfigList.find(dir, "net1").name()).isEqualTo("other");
        CniConfigList single = CniConfigList.find(dir, "single");
        assertThat(single.source()).endsWith("20-single.conf");
        JsonNode text = CniConfigList.JSON.readTree(single.text());
        assertThat(text.get("name").asText()).isEqualTo("single");
        assertThat(text.get("plugins").size()).isEqualTo(1);
        assertThat(text.get("plugins").get(0).get("bridge").asText()).isEqualTo("br8");
        assertThat(text.get("plugins").get(0).has("name")).isFalse();
        // Its kept text reads back as the same list.
        assertThat(CniConfigList.parse("kept", single.text()).chain()).isEqualTo(single.chain());

        assertThatThrownBy(() -> CniConfigList.find(dir, "nope")).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("CNI config \"nope\" not found in " + dir + " (no nope.conflist, nope.conf, nope.json and no "
                        + "config whose name is nope)");
        assertThatThrownBy(() -> CniConfigList.find(dir, "../etc")).isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("invalid CNI config name \"../etc\"");
        assertThatThrownBy(() -> CniConfigList.find(dir.resolve("missing"), "x"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("CNI config \"x\" not found: " + dir.resolve("missing") + " is not a directory");
        assertThatThrownBy(() -> CniConfigList.find(dir, "30-broken")).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("CNI config " + dir.resolve("30-broken.json") + ": invalid JSON at line 1 column 3: "
                        + "Unexpected character ('n' (code 110)): was expecting double-quote to start field name");
    }

    @Test
    void refusesMalformedConfigsInOneLine() {
        Map<String, String> bad = Map.ofEntries(
                Map.entry("[1]", "not a JSON object"),
                Map.entry("{\"name\":\"n\",\"plugins\":[]}", "no \"cniVersion\""),
                Map.entry("{\"cniVersion\":\"2.0.0\",\"name\":\"n\",\"plugins\":[]}",
                        "cniVersion \"2.0.0\" is not supported (0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0)"),
                Map.entry("{\"cniVersion\":\"1.0.0\",\"plugins\":[]}", "no \"name\""),
                Map.entry("{\"cniVersion\":\"1.0.0\",\"name\":\"-n\",\"plugins\":[]}",
                        "invalid name \"-n\": an alphanumeric followed by alphanumerics, '_', '.' or '-'"),
                Map.entry("{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}",
                        "no \"plugins\" (a list) and no \"type\" (a single plugin)"),
                Map.entry("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[]}", "\"plugins\" is empty"),
                Map.entry("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":{}}", "\"plugins\" is not a list"),
                Map.entry("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"bridge\"},{}]}",
                        "plugins[1] has no \"type\""),
                Map.entry("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"../bin/sh\"}]}",
                        "plugins[0]: invalid type \"../bin/sh\": a plugin's file name"),
                Map.entry("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"loopback\"}]}",
                        "no plugin but loopback, which the engine does itself"),
                Map.entry("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"bridge\"}]} {}",
                        "invalid JSON at line 1 column 65: more than one JSON value"));
        bad.forEach((json, problem) -> assertThatThrownBy(() -> CniConfigList.parse("f.conflist", json))
                .as(json).isInstanceOf(InvalidArgumentException.class).hasMessage("CNI config f.conflist: " + problem));
    }

    @Test
    void readsAResult() throws Exception {
        JsonNode result = CniConfigList.JSON.readTree("""
                {"cniVersion":"1.0.0",
                 "interfaces":[{"name":"br9","mac":"f2:00:00:00:00:01"},{"name":"veth3f4d8ce0","mac":"66:00:00:00:00:02"},
                               {"name":"eth0","mac":"f2:00:00:00:00:03","sandbox":"/run/netns/c1"}],
                 "ips":[{"interface":2,"address":"10.9.0.2/24","gateway":"10.9.0.254"},
                        {"interface":2,"address":"fd09::2/64","gateway":"fd09::1"},
                        {"interface":2,"address":"10.9.1.2/24"}],
                 "routes":[{"dst":"0.0.0.0/0"}],"dns":{}}""");
        CniDriver.Addresses a = CniDriver.Addresses.of(result, "eth0", Set.of("br9"));
        assertThat(a).isEqualTo(new CniDriver.Addresses("10.9.0.2/24", "10.9.0.254", "fd09::2/64", "fd09::1",
                "f2:00:00:00:00:03", "veth3f4d8ce0"));
        assertThat(CniDriver.Addresses.of(CniConfigList.JSON.readTree("{}"), "eth0", Set.of()))
                .isEqualTo(new CniDriver.Addresses(null, null, null, null, null, null));
    }

    @Test
    void namesChainsAsThePluginsDo() {
        // sha512("netid") begins 30e7440e95deb2a63c98a3df.
        assertThat(MasqueradeChains.chainName("net", "id")).isEqualTo("CNI-30e7440e95deb2a63c98a3df");
        assertThat(MasqueradeChains.dnatChainName("net", "id")).isEqualTo("CNI-DN-30e7440e95deb2a63c98a");
        assertThat(MasqueradeChains.jumpsTo("-A POSTROUTING -s 10.9.0.2/32 -m comment --comment \"x\" -j CNI-abc",
                "CNI-abc"))
                .isTrue();
        assertThat(MasqueradeChains.jumpsTo("-A POSTROUTING -j CNI-abcd", "CNI-abc")).isFalse();
    }

    @Test
    void runsPluginsAndReportsTheirFailuresInOneLine() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        plugin(plugins, "good", """
                case "$CNI_COMMAND" in
                VERSION) echo '{"cniVersion":"1.0.0","supportedVersions":["0.4.0","1.0.0"]}';;
                ADD) echo "{\\"cniVersion\\":\\"1.0.0\\",\\"ips\\":[{\\"address\\":\\"10.0.0.9/8\\"}],\\
                \\"cmd\\":\\"$CNI_IFNAME $CNI_PATH\\"}";;
                esac""");
        plugin(plugins, "coded", """
                cat >/dev/null
                printf '%s\\n' '{"cniVersion":"1.0.0","code":7,"msg":"bad config","details":"line one\\nline two"}'
                exit 1""");
        plugin(plugins, "plain", "echo 'some log' >&2\necho 'it broke\n  here' >&2\nexit 3");
        plugin(plugins, "slow", "exec sleep 30");
        Path notRunnable = plugins.resolve("garbage");
        Files.writeString(notRunnable, "#!/nonexistent/interpreter\n");
        Files.setPosixFilePermissions(notRunnable, PosixFilePermissions.fromString("rwxr-xr-x"));
        CniPlugins runner = new CniPlugins(plugins + ":" + dir.resolve("absent"), Duration.ofSeconds(1));
        JsonNode out = runner.run("good", Map.of("CNI_COMMAND", "ADD", "CNI_IFNAME", "eth3"), "{}".getBytes());
        assertThat(out.get("cmd").asText()).isEqualTo("eth3 " + plugins + ":" + dir.resolve("absent"));
        assertThat(runner.run("good", Map.of("CNI_COMMAND", "DEL"), "{}".getBytes())).isNull();

        assertThatThrownBy(() -> runner.run("coded", Map.of("CNI_COMMAND", "ADD"), "{}".getBytes()))
                .isInstanceOf(CniPluginException.class)
                .hasMessage("plugin coded failed: bad config: line one line two (code 7)");
        assertThatThrownBy(() -> runner.run("plain", Map.of("CNI_COMMAND", "ADD"), "{}".getBytes()))
                .hasMessage("plugin plain failed: here (exit status 3)");
        long start = System.nanoTime();
        assertThatThrownBy(() -> runner.run("slow", Map.of("CNI_COMMAND", "ADD"), "{}".getBytes()))
                .hasMessage("plugin slow failed: timed out after 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThatThrownBy(() -> runner.run("garbage", Map.of("CNI_COMMAND", "ADD"), "{}".getBytes()))
                .isInstanceOf(CniPluginException.class).hasMessageStartingWith("plugin garbage failed: cannot be run: ")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> runner.run("nothere", Map.of("CNI_COMMAND", "ADD"), "{}".getBytes()))
                .hasMessage("plugin nothere failed: not found in " + plugins + ":" + dir.resolve("absent"));

        // The check at create: present, and speaking the list's version.
        runner.check(CniConfigList.parse("a.conflist",
                "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"good\"}]}"));
        assertThatThrownBy(() -> runner.check(CniConfigList.parse("a.conflist",
                "{\"cniVersion\":\"0.3.1\",\"name\":\"n\",\"plugins\":[{\"type\":\"good\"}]}")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("CNI config a.conflist: plugin \"good\" does not support cniVersion 0.3.1 "
                        + "(it supports 0.4.0, 1.0.0)");
        assertThatThrownBy(() -> runner.check(CniConfigList.parse("a.conflist",
                "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"good\",\"ipam\":{\"type\":\"foo\"}}]}")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("CNI config a.conflist: plugin \"foo\" not found in " + plugins + ":" + dir.resolve("absent"));
        assertThatThrownBy(() -> runner.check(CniConfigList.parse("a.conflist",
                "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"plain\"}]}")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("CNI config a.conflist: plugin \"plain\" did not tell its versions: here (exit status 3)");
    }

    private static void plugin(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
