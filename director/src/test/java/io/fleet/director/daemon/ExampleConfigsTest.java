package io.fleet.director.daemon;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Every example under deploy/config passes the same validation `fleet run` applies before it starts. */
class ExampleConfigsTest
{
    @Test
    void everyExampleConfigShouldValidate() throws Exception
    {
        final List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("..", "deploy", "config")))
        {
            examples = files.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
        assertThat(examples).extracting(p -> p.getFileName().toString())
            .contains("two-director-dr.conf", "three-director-nat.conf", "proxy-loopback.conf");
        for (final Path p : examples)
        {
            final File f = p.toFile();
            assertThatCode(() -> Fleetd.check(f)).as(p.toString()).doesNotThrowAnyException();
        }
    }
}
