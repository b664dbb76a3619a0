package io.berth.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Builds small bundle jars at test time. */
final class TinyBundles {
    private TinyBundles() {
    }

    /**
     * A bundle holding one class and a DS component that provides it as a storage driver named
     * {@code name}, with the given service ranking.
     */
    static byte[] storageDriverBundle(String symbolicName, Class<?> driverClass, String name, int ranking)
            throws IOException {
        String classResource = driverClass.getName().replace('.', '/') + ".class";
        String packageName = driverClass.getPackageName();
        String component = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="%s" immediate="true">
                  <implementation class="%s"/>
                  <service><provide interface="io.berth.api.storage.StorageDriver"/></service>
                  <property name="berth.storage" type="String" value="%s"/>
                  <property name="service.ranking" type="Integer" value="%d"/>
                </scr:component>
                """.formatted(symbolicName, driverClass.getName(), name, ranking);
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Import-Package", "io.berth.api;version=\"[1.0,2)\",io.berth.api.storage;version=\"[1.0,2)\"");
        a.putValue("Private-Package", packageName);
        a.putValue("Service-Component", "OSGI-INF/driver.xml");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest);
             InputStream in = driverClass.getClassLoader().getResourceAsStream(classResource)) {
            if (in == null) {
                throw new IOException("cannot read " + classResource);
            }
            jar.putNextEntry(new JarEntry(classResource));
            in.transferTo(jar);
            jar.closeEntry();
            jar.putNextEntry(new JarEntry("OSGI-INF/driver.xml"));
            jar.write(component.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }
}
