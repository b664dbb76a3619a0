package io.berth.api.driver;

import org.osgi.service.component.annotations.ComponentPropertyType;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names a {@link io.berth.api.storage.StorageDriver} service: sets the service property
 * {@value #NAME}, a short stable lowercase name such as {@code overlay} or {@code vfs}. Images
 * are unpacked for, and containers record, the storage driver by this name.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface BerthStorage {
    /** The service property this annotation sets. */
    String NAME = "berth.storage";

    /** The driver's name. */
    String value();
}
