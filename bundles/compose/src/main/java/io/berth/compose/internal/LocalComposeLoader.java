package io.berth.compose.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.berth.api.InvalidArgumentException;
import io.berth.api.compose.ComposeLoader;
import io.berth.api.compose.ComposeProject;
import io.berth.api.compose.ComposeRequest;
import org.osgi.service.component.annotations.Component;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.UncheckedIOException;

/** The compose loader: {@link ProjectLoader} for loading; {@code config}'s YAML and JSON. */
@Component(service = ComposeLoader.class)
public class LocalComposeLoader implements ComposeLoader {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public ComposeProject load(ComposeRequest request) {
        return ProjectLoader.load(request);
    }

    /**
     * As {@code docker compose config}: block YAML with two-space indents and indented sequences
     * (go-yaml's), or indented JSON; {@code $} written {@code $$} so the output reads back the same.
     */
    @Override
    public String render(ComposeProject project, String format) {
        String text;
        switch (format) {
            case "yaml":
                DumperOptions options = new DumperOptions();
                options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
                options.setIndent(2);
                options.setIndicatorIndent(2);
                options.setIndentWithIndicator(true);
                options.setWidth(Integer.MAX_VALUE);
                options.setSplitLines(false);
                text = new Yaml(options).dump(project.model());
                break;
            case "json":
                try {
                    text = JSON.writeValueAsString(project.model()) + "\n";
                } catch (JsonProcessingException e) {
                    throw new UncheckedIOException(e);
                }
                break;
            default:
                throw new InvalidArgumentException("unsupported format \"" + format + "\"");
        }
        return text.replace("$", "$$");
    }
}
