package io.berth.api.driver;

import org.osgi.service.component.annotations.ComponentPropertyType;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names a {@link io.berth.api.runtime.RuntimeDriver} service: sets the service property
 * {@value #NAME}, a short stable lowercase name such as {@code native}, {@code runc} or
 * {@code crun}. Users pick the driver with {@code --runtime NAME}; containers record it.
 *
 * <pre>{@code
 * @Component
 * @BerthRuntime("chroot")
 * public class ChrootRuntimeDriverComponent implements RuntimeDriver { ... }
 * }</pre>
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface BerthRuntime {
    /** The service property this annotation sets. */
    String NAME = "berth.runtime";

    /** The driver's name. */
    String value();
}
