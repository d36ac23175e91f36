package io.kvstore;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package graph of docs/architecture.md, enforced: each package may use only the ones below
 * it, listed here, so the graph stays acyclic and {@code node} stays the only composition root.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Left in target/classes by a `-Pbench` build; not part of the node.
            .withImportOption(location -> !location.contains("/io/kvstore/bench/"))
            .importPackages("io.kvstore");
  }

  static LayeredArchitecture layers() {
    return layeredArchitecture()
        .consideringOnlyDependenciesInAnyPackage("io.kvstore..")
        .layer("base").definedBy("io.kvstore")
        .layer("api").definedBy("io.kvstore.api..")
        .layer("storage").definedBy("io.kvstore.storage..")
        .layer("crdt").definedBy("io.kvstore.crdt..")
        .layer("ring").definedBy("io.kvstore.ring..")
        .layer("replica").definedBy("io.kvstore.replica..")
        .layer("transport").definedBy("io.kvstore.transport..")
        .layer("repair").definedBy("io.kvstore.repair..")
        .layer("entity").definedBy("io.kvstore.entity..")
        .layer("coordinator").definedBy("io.kvstore.coordinator..")
        .layer("cluster").definedBy("io.kvstore.cluster..")
        .layer("http").definedBy("io.kvstore.http..")
        .layer("resp").definedBy("io.kvstore.resp..")
        .layer("node").definedBy("io.kvstore.node..")
        .layer("admin").definedBy("io.kvstore.admin..")
        .whereLayer("base").mayNotAccessAnyLayer()
        .whereLayer("api").mayNotAccessAnyLayer()
        .whereLayer("storage").mayNotAccessAnyLayer()
        .whereLayer("crdt").mayOnlyAccessLayers("base")
        .whereLayer("ring").mayOnlyAccessLayers("base", "crdt")
        .whereLayer("replica").mayOnlyAccessLayers("base", "crdt", "ring", "storage")
        .whereLayer("transport").mayOnlyAccessLayers("base", "crdt", "ring", "replica")
        .whereLayer("repair").mayOnlyAccessLayers("base", "crdt", "ring", "replica", "transport")
        .whereLayer("entity").mayOnlyAccessLayers("base", "api", "storage", "crdt", "ring", "replica", "transport")
        .whereLayer("coordinator")
        .mayOnlyAccessLayers("base", "api", "storage", "crdt", "ring", "replica", "transport", "entity")
        .whereLayer("cluster")
        .mayOnlyAccessLayers("base", "api", "crdt", "ring", "replica", "transport", "entity")
        .whereLayer("http").mayOnlyAccessLayers("base", "api")
        .whereLayer("resp").mayOnlyAccessLayers("base", "api")
        .whereLayer("node").mayNotBeAccessedByAnyLayer()
        // The CLI talks to a node over HTTP only: it shares the jar, not the node's code.
        .whereLayer("admin").mayOnlyAccessLayers("api")
        .whereLayer("admin").mayNotBeAccessedByAnyLayer();
  }

  @Test
  void eachPackageUsesOnlyThePackagesBelowIt() {
    layers().check(classes);
  }

  @Test
  void thePackageGraphHasNoCycle() {
    slices().matching("io.kvstore.(*)..").should().beFreeOfCycles().check(classes);
  }
}
