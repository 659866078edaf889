package dev.runnel.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md section 2: dependencies point one way. Maven's module graph already forbids most of
 * these; this test also catches a forbidden import that sneaks in through a transitive jar.
 */
class LayeringTest {
  static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            // DoNotIncludeTests knows test-classes folders but not test-jars such as loadtest's.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.runnel");
  }

  @Test
  void storage_knows_nothing_of_raft_grpc_or_clients() {
    noClasses()
        .that().resideInAPackage("dev.runnel.storage..")
        .should().dependOnClassesThat()
        .resideInAnyPackage(
            "dev.runnel.raft..", "dev.runnel.node..", "dev.runnel.sdk..", "dev.runnel.proto..",
            "io.grpc..", "org.apache.ratis..")
        .check(classes);
  }

  @Test
  void sdk_does_not_reach_into_the_server() {
    noClasses()
        .that().resideInAPackage("dev.runnel.sdk..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("dev.runnel.node..", "dev.runnel.raft..", "dev.runnel.storage..")
        .check(classes);
  }

  @Test
  void raft_does_not_depend_on_node_or_sdk() {
    noClasses()
        .that().resideInAPackage("dev.runnel.raft..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("dev.runnel.node..", "dev.runnel.sdk..")
        .check(classes);
  }

  @Test
  void node_does_not_depend_on_sdk_or_cli() {
    noClasses()
        .that().resideInAPackage("dev.runnel.node..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("dev.runnel.sdk..", "dev.runnel.cli..")
        .check(classes);
  }

  /**
   * The built-in connectors are packaged like a third-party Connect plugin (loadable from
   * plugin.path in their own class loader), so they may use the Connect API but nothing of Runnel.
   */
  @Test
  void connectors_depend_on_no_other_runnel_package() {
    noClasses()
        .that().resideInAPackage("dev.runnel.connectors..")
        .should().dependOnClassesThat(
            resideInAPackage("dev.runnel..").and(not(resideInAPackage("dev.runnel.connectors.."))))
        .check(classes);
  }

  @Test
  void loadtest_uses_only_the_sdk() {
    noClasses()
        .that().resideInAPackage("dev.runnel.loadtest..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("dev.runnel.node..", "dev.runnel.raft..", "dev.runnel.storage..", "dev.runnel.cli..")
        .check(classes);
  }

  @Test
  void connect_uses_only_the_sdk() {
    noClasses()
        .that().resideInAPackage("dev.runnel.connect..")
        .should().dependOnClassesThat()
        .resideInAnyPackage(
            "dev.runnel.node..", "dev.runnel.raft..", "dev.runnel.storage..", "dev.runnel.cli..",
            "dev.runnel.loadtest..", "org.apache.ratis..")
        .check(classes);
  }

  @Test
  void sql_uses_only_the_sdk_and_proto() {
    noClasses()
        .that().resideInAPackage("dev.runnel.sql..")
        .should().dependOnClassesThat()
        .resideInAnyPackage(
            "dev.runnel.node..", "dev.runnel.raft..", "dev.runnel.storage..", "dev.runnel.cli..",
            "dev.runnel.loadtest..", "org.apache.ratis..")
        .check(classes);
  }

  /**
   * The Kafka comparison driver (loadtest/kafka-driver, dev.runnel.loadtest.kafka) is built only
   * in the kafka-compare profile: nothing of the default build may use Kafka's clients.
   */
  @Test
  void loadtest_needs_no_kafka_in_the_default_build() {
    noClasses()
        .that().resideInAPackage("dev.runnel.loadtest..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("org.apache.kafka..")
        .check(classes);
  }
}
