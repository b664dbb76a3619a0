package io.berth.shell.internal.output;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateTest {
    private static final JsonNode IMAGE = Json.tree(Map.of(
            "Id", "sha256:abc",
            "RepoTags", List.of("busybox:latest", "busybox:1.36"),
            "Size", 196513448L,
            "Config", Map.of("Env", List.of("PATH=/bin"), "Labels", Map.of("b", "2", "a", "1"), "Cmd", List.of("sh")),
            "Comment", ""));

    private static String run(String format) {
        return Template.parse(format).execute(IMAGE);
    }

    @Test
    void fieldsAndNestedFields() {
        assertThat(run("{{.Id}}")).isEqualTo("sha256:abc");
        assertThat(run("{{.Config.Cmd}}")).isEqualTo("[sh]");
        assertThat(run("{{.Size}}")).isEqualTo("196513448");
        assertThat(run("{{.Config.Labels}}")).isEqualTo("map[a:1 b:2]");
        // A struct's missing field is an error; a map's missing key is <no value>, as text/template has them.
        assertThatThrownBy(() -> run("{{.Nope}}")).hasMessage("template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope");
        assertThat(run("{{.Config.Labels.nope}}")).isEqualTo("<no value>");
    }

    @Test
    void functionsAndPipelines() {
        assertThat(run("{{json .RepoTags}}")).isEqualTo("[\"busybox:latest\",\"busybox:1.36\"]");
        assertThat(run("{{join .RepoTags \", \"}}")).isEqualTo("busybox:latest, busybox:1.36");
        assertThat(run("{{.Id | upper}}")).isEqualTo("SHA256:ABC");
        assertThat(run("{{index .Config.Labels \"a\"}}")).isEqualTo("1");
        assertThat(run("{{index .RepoTags 1}}")).isEqualTo("busybox:1.36");
        assertThat(run("{{len .RepoTags}}")).isEqualTo("2");
        assertThat(run("{{truncate .Id 6}}")).isEqualTo("sha256");
        assertThat(run("{{(index .RepoTags 0) | lower}}")).isEqualTo("busybox:latest");
        assertThat(run("{{printf \"%s=%d\" .Id .Size}}")).isEqualTo("sha256:abc=196513448");
        assertThat(run("{{printf \"%s\" .Size}}")).isEqualTo("%!s(int=196513448)");
        assertThat(run("{{json .}}")).startsWith("{").endsWith("}");
    }

    @Test
    void conditionalsAndRange() {
        assertThat(run("{{if .Comment}}yes{{else}}no{{end}}")).isEqualTo("no");
        assertThat(run("{{range .RepoTags}}[{{.}}]{{end}}")).isEqualTo("[busybox:latest][busybox:1.36]");
        assertThat(run("{{range .Config.Labels}}{{.}}{{end}}")).isEqualTo("12");
        assertThat(run("{{with .Config}}{{.Cmd}}{{end}}")).isEqualTo("[sh]");
        assertThat(run("{{range .RepoTags}}{{.}}{{\"\\n\"}}{{end}}")).isEqualTo("busybox:latest\nbusybox:1.36\n");
        assertThat(run("{{if eq .Id \"sha256:abc\"}}same{{end}}")).isEqualTo("same");
    }

    @Test
    void printfPadsTruncatesAndSaysWhatDoesNotFitAsGo() {
        assertThat(run("[{{printf \"%-8s\" \"c68\"}}]")).isEqualTo("[c68     ]");
        assertThat(run("[{{printf \"%8s\" \"c68\"}}]")).isEqualTo("[     c68]");
        assertThat(run("{{printf \"%.5s\" .Id}}")).isEqualTo("sha25");
        assertThat(run("[{{printf \"%5d\" 42}}|{{printf \"%-5d\" 42}}|{{printf \"%05d\" -42}}]")).isEqualTo("[   42|42   |-0042]");
        assertThat(run("{{printf \"%x %X %o %b %#x\" 255 255 8 5 255}}")).isEqualTo("ff FF 10 101 0xff");
        assertThat(run("{{printf \"%q %v %t\" .Id .RepoTags true}}")).isEqualTo("\"sha256:abc\" [busybox:latest busybox:1.36] true");
        assertThat(run("{{printf \"%.2f %d\" 1.5}}")).isEqualTo("1.50 %!d(MISSING)");
        assertThat(run("{{printf \"%d\" 1 2}}")).isEqualTo("1%!(EXTRA int=2)");
        assertThat(run("{{printf \"%*d|%-*s|\" 4 7 3 \"a\"}}")).isEqualTo("   7|a  |");
        assertThat(run("{{printf \"%5.1f%%\" 12.345}}")).isEqualTo(" 12.3%");
    }

    @Test
    void structsPrintTheirValuesAndMapsTheirKeysAsGoDoes() {
        JsonNode c = Json.tree(Map.of("State", new java.util.LinkedHashMap<>(Map.of("Status", "running")),
                "HostConfig", Map.of("RestartPolicy", new java.util.LinkedHashMap<String, Object>() {{
                    put("Name", "no");
                    put("MaximumRetryCount", 0);
                }}), "Config", Map.of("Labels", Map.of("b", "2", "a", "1"))));
        assertThat(Template.parse("{{.HostConfig.RestartPolicy}}").execute(c)).isEqualTo("{no 0}");
        assertThat(Template.parse("{{printf \"%+v\" .HostConfig.RestartPolicy}}").execute(c))
                .isEqualTo("{Name:no MaximumRetryCount:0}");
        assertThat(Template.parse("{{.Config.Labels}}").execute(c)).isEqualTo("map[a:1 b:2]");
        // State's Health is a nil pointer without a health check: <nil> as Go prints it, left out of its JSON.
        assertThat(Template.parse("{{.State}}").execute(c)).isEqualTo("{running <nil>}");
        assertThat(Template.parse("{{json .State}}").execute(c)).isEqualTo("{\"Status\":\"running\"}");
        assertThat(Template.parse("{{json .State.Health}}").execute(c)).isEqualTo("null");
        assertThat(Template.parse("{{json .Config.Labels}}").execute(c)).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
    }

    @Test
    void tabsAndNewlinesInTextAndTableHeaders() {
        Template t = Template.parse("table {{.Id}}\\t{{.Size}}");
        assertThat(t.isTable()).isTrue();
        assertThat(t.execute(IMAGE)).isEqualTo("sha256:abc\t196513448");
        assertThat(t.header(Map.of("Id", "IMAGE ID"))).isEqualTo("IMAGE ID\tSIZE");
    }

    @Test
    void variablesAsTextTemplateScopesThem() {
        assertThat(run("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}} {{end}}")).isEqualTo("a=1 b=2 ");
        assertThat(run("{{range $i, $t := .RepoTags}}{{$i}}:{{$t}} {{end}}")).isEqualTo("0:busybox:latest 1:busybox:1.36 ");
        assertThat(run("{{range $t := .RepoTags}}{{$t}}|{{.}} {{end}}")).isEqualTo("busybox:latest|busybox:latest busybox:1.36|busybox:1.36 ");
        assertThat(run("{{$id := .Id}}{{range .RepoTags}}{{$id}} {{end}}")).isEqualTo("sha256:abc sha256:abc ");
        assertThat(run("{{$c := .Config}}{{$c.Cmd}} {{$.Id}} {{$}}")).startsWith("[sh] sha256:abc {");
        assertThat(run("{{with $c := .Config}}{{$c.Env}}{{end}}")).isEqualTo("[PATH=/bin]");
        assertThat(run("{{$n := 1}}{{if .Id}}{{$n = 2}}{{end}}{{$n}}")).isEqualTo("2");
        assertThat(run("{{if eq (len .RepoTags) 2}}two{{end}}")).isEqualTo("two");
        assertThat(run("{{(index .Config.Labels \"a\")}} {{(.Config).Cmd}} {{with $c := .}}{{($c.Config).Env}}{{end}}"))
                .isEqualTo("1 [sh] [PATH=/bin]");
        // A variable lives until the end of the block that declares it.
        assertThatThrownBy(() -> Template.parse("{{range $t := .RepoTags}}{{end}}{{$t}}"))
                .hasMessage("template: :1: undefined variable \"$t\"");
        assertThatThrownBy(() -> Template.parse("{{$x = 1}}")).hasMessage("template: :1: undefined variable \"$x\"");
        assertThatThrownBy(() -> Template.parse("{{$a, $b := .Id}}")).hasMessageContaining("too many declarations");
    }

    @Test
    void fieldsDockersJsonOmitsWhenEmptyAreZeroInTemplates() {
        JsonNode network = Json.tree(Map.of("IPAM", Map.of("Config", List.of(Map.of("Subnet", "10.1.0.0/24")))));
        assertThat(Template.parse("{{range .IPAM.Config}}{{.Subnet}}|{{.Gateway}}|{{.}}{{end}}").execute(network))
                .isEqualTo("10.1.0.0/24||{10.1.0.0/24   map[]}");
    }

    @Test
    void pointersDockersJsonOmitsWhenNilAreNilInTemplatesAndStayOutOfJson() {
        JsonNode without = Json.tree(Map.of("HostConfig", Map.of("Privileged", false)));
        assertThat(Template.parse("{{.HostConfig.Init}}").execute(without)).isEqualTo("<nil>");
        assertThat(Template.parse("{{.HostConfig}}").execute(without)).isEqualTo("{false <nil>}");
        assertThat(Template.parse("{{json .HostConfig}}").execute(without)).isEqualTo("{\"Privileged\":false}");
        assertThat(Template.parse("{{json .HostConfig.Init}}").execute(without)).isEqualTo("null");
        assertThat(Template.parse("{{if .HostConfig.Init}}y{{else}}n{{end}}").execute(without)).isEqualTo("n");
        Map<String, Object> host = new java.util.LinkedHashMap<>();
        host.put("Privileged", false);
        host.put("Init", true);
        JsonNode with = Json.tree(Map.of("HostConfig", host));
        assertThat(Template.parse("{{.HostConfig.Init}} {{json .HostConfig}}").execute(with))
                .isEqualTo("true {\"Privileged\":false,\"Init\":true}");
    }

    @Test
    void inspectRunsATemplateThatFailsOnDockersTypesAgainOnTheJsonAsMaps() {
        Map<String, Object> policy = new java.util.LinkedHashMap<>();
        policy.put("Name", "on-failure");
        policy.put("MaximumRetryCount", 2);
        Map<String, Object> host = new java.util.LinkedHashMap<>();
        host.put("CpuShares", 512);
        host.put("RestartPolicy", policy);
        Map<String, Object> container = new java.util.LinkedHashMap<>();
        container.put("Id", "abc");
        container.put("HostConfig", host);
        container.put("State", java.util.Collections.singletonMap("Health", null));
        JsonNode c = Json.tree(container);
        // On the type: a struct's fields in order.
        assertThat(Template.parse("{{.HostConfig.RestartPolicy}} {{json .HostConfig.RestartPolicy}}").executeInspect(c))
                .isEqualTo("{on-failure 2} {\"Name\":\"on-failure\",\"MaximumRetryCount\":2}");
        // CPUShares and ID in Go: the run on the type fails, the one on maps prints sorted keys.
        assertThat(Template.parse("{{.HostConfig.CpuShares}} {{.HostConfig.RestartPolicy}} {{json .HostConfig.RestartPolicy}}")
                .executeInspect(c)).isEqualTo("512 map[MaximumRetryCount:2 Name:on-failure] "
                        + "{\"MaximumRetryCount\":2,\"Name\":\"on-failure\"}");
        assertThat(Template.parse("{{.Id}} {{.State.Health}} {{json .State.Health}}").executeInspect(c))
                .isEqualTo("abc <no value> null");
        // A missing key is an error on maps.
        assertThatThrownBy(() -> Template.parse("{{.Id}} {{.Nope}}").executeInspect(c))
                .hasMessage("template: :1:10: executing \"\" at <.Nope>: map has no entry for key \"Nope\"");
        // Other commands' templates see the types only.
        assertThat(Template.parse("{{.Id}}").execute(c)).isEqualTo("abc");
    }

    @Test
    void malformedTemplatesAreErrors() {
        assertThatThrownBy(() -> Template.parse("{{.Id")).hasMessageContaining("unclosed action");
        assertThatThrownBy(() -> Template.parse("{{if .Id}}x")).hasMessageContaining("missing {{end}}");
        assertThatThrownBy(() -> Template.parse("{{end}}")).hasMessageContaining("unexpected {{end}}");
        assertThatThrownBy(() -> run("{{nosuch .Id}}")).hasMessageContaining("function \"nosuch\" not defined");
    }

    @Test
    void methodsWithArgumentsAsDockersContexts() {
        java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("Name", "data");
        row.put("Labels", "tier=db");
        row.put(Template.method("Label"), Map.of("tier", "db", "com.x.y", "z"));
        JsonNode tree = Json.tree(row);
        assertThat(Template.parse("{{.Label \"tier\"}}/{{.Label \"com.x.y\"}}/{{.Label \"none\"}}").execute(tree))
                .isEqualTo("db/z/");
        assertThat(Template.parse("{{\"tier\" | .Label | upper}}").execute(tree)).isEqualTo("DB");
        // The method is not a field of the row's JSON.
        assertThat(Template.parse("{{json .}}").execute(tree)).isEqualTo("{\"Name\":\"data\",\"Labels\":\"tier=db\"}");
        assertThat(Template.withoutMethods(tree).has(Template.method("Label"))).isFalse();
        // A table's header shows the method's title.
        assertThat(Template.parse("table {{.Name}}\t{{.Label \"tier\"}}").header(Map.of("Name", "VOLUME NAME")))
                .isEqualTo("VOLUME NAME\tLABEL");
        assertThatThrownBy(() -> Template.parse("{{.Name \"x\"}}").execute(tree))
                .hasMessageContaining("can't give argument to non-function .Name");
    }
}
