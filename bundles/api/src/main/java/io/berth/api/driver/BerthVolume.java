package io.berth.api.driver;

import org.osgi.service.component.annotations.ComponentPropertyType;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names a {@link io.berth.api.volume.VolumeDriver} service: sets the service property
 * {@value #NAME}, a short stable lowercase name such as {@code local}. Volumes
 * record their driver by this name.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface BerthVolume {
    /** The service property this annotation sets. */
    String NAME = "berth.volume";

    /** The driver's name. */
    String value();
}
