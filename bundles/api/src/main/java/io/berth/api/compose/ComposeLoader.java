package io.berth.api.compose;

import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads compose projects as docker compose v2 (compose-go) does: discovery, project name, {@code .env},
 * interpolation, {@code -f} merging, {@code extends}, {@code include}, profiles, validation against the
 * compose-spec JSON schema, normalisation. Stateless; safe to call from several threads.
 */
@ProviderType
public interface ComposeLoader {
    /**
     * Loads a project.
     *
     * @throws NotFoundException        when no compose file is found ({@code no configuration file provided:
     *                                  not found}) or a named file or env file does not exist
     * @throws InvalidArgumentException when a file is invalid: the message is one line per error, each
     *                                  {@code FILE:LINE:COLUMN: PATH: MESSAGE} when the place is known
     */
    ComposeProject load(ComposeRequest request);

    /** The project's normalised model as {@code docker compose config} prints it: {@code yaml} or {@code json}. */
    String render(ComposeProject project, String format);
}
