package io.fleet.director.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** DESIGN.md, Modules: the forwarding core is plain Java over buffers, driven by whichever port feeds it. */
class ArchitectureTest
{
    /** The forwarding-core packages; later ones (packet, conn, forward) join as they land. */
    static final String[] FORWARDING_CORE = {
        "io.fleet.director.service..",
        "io.fleet.director.sched..",
        "io.fleet.director.packet..",
        "io.fleet.director.conn..",
        "io.fleet.director.forward..",
    };

    private final JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.fleet.director");

    @Test
    void forwardingCoreShouldImportNeitherPekkoNorNetty()
    {
        noClasses().that().resideInAnyPackage(FORWARDING_CORE)
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..", "io.netty..", "akka..",
                "org.pcap4j..", "io.fleet.sync..", "io.fleet.vrrp..")
            .because("the forwarding core is plain Java, driven by any port (DESIGN.md)")
            .allowEmptyShould(false)
            .check(classes);
    }

    @Test
    void forwardingCoreShouldNotDependOnTheOuterLayers()
    {
        noClasses().that().resideInAnyPackage(FORWARDING_CORE)
            .should().dependOnClassesThat().resideInAnyPackage("io.fleet.director.cli..", "io.fleet.director.port..",
                "io.fleet.director.proxy..", "io.fleet.director.admin..", "io.fleet.director.health..",
                "io.fleet.director.config..")
            .allowEmptyShould(false)
            .check(classes);
    }
}
