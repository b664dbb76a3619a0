package io.berth.shell.internal.commands;

import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Offers {@code berth shell} ({@link ConsoleCommands}) where Gogo's JLine shell is wired to this bundle: its optional
 * import resolved, the bundle installed whether started or not (a daemon starts it for the first console). Its
 * {@code Shell} service would not do as the condition: a daemon registers none until then.
 */
@Component
public class ConsoleGate {
    static final String GOGO_JLINE_PACKAGE = "org.apache.felix.gogo.jline";

    @Activate
    public ConsoleGate(ComponentContext context) {
        BundleWiring wiring = context.getBundleContext().getBundle().adapt(BundleWiring.class);
        if (wiring != null && imports(wiring, GOGO_JLINE_PACKAGE)) {
            context.enableComponent(ConsoleCommands.class.getName());
        }
    }

    private static boolean imports(BundleWiring wiring, String packageName) {
        for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            if (packageName.equals(wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                return true;
            }
        }
        return false;
    }
}
