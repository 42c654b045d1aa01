package io.fleet.simulator.report;

import io.fleet.simulator.drill.Cause;
import io.fleet.simulator.drill.DrillResult;
import io.fleet.simulator.drill.Knobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The HTML report opens in headless Chromium without errors, with its three charts loaded (from data: URIs, no
 * network), and the test keeps a screenshot (target/drill-report.png). Skips, saying why, when Chromium is not
 * installed ({@code ./fleet test} installs Debian's chromium).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HtmlReportChromiumTest
{
    @TempDir
    Path dir;

    private static String chromium()
    {
        for (final String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"))
        {
            if (new File(candidate).canExecute())
            {
                return candidate;
            }
        }
        return null;
    }

    /** Two runs' worth of figures, sync on and off, as a drill would produce them. */
    static List<DrillResult> sample()
    {
        final List<DrillResult> runs = new ArrayList<>();
        for (final boolean sync : new boolean[] {true, false})
        {
            final DrillResult r = new DrillResult();
            r.scenario = "kill-holder";
            r.description = "The holder of VIP group 0 crashes <under load> & another takes over.";
            r.knobs = new Knobs();
            r.knobs.sync = sync;
            r.opened = 1000;
            r.broken = sync ? 3 : 240;
            r.completed = r.opened - r.broken;
            r.brokenByCause.put(sync ? Cause.DIRECTOR_FAILOVER_UNSYNCED : Cause.DIRECTOR_FAILOVER, r.broken);
            r.faults.add(new DrillResult.FaultRecord("kill-holder", 3_500, 3_502, "d2 (held vip0)"));
            r.takeovers.add(new DrillResult.Takeover("kill-holder", "198.51.100.10", 640));
            r.newFlowsPerServer = new long[20];
            for (int s = 0; s < 20; s++)
            {
                r.newFlowsPerServer[s] = 45 + s % 7;
            }
            for (int t = 0; t <= 80; t++)
            {
                r.series.add(new DrillResult.Sample(t * 100L, Math.min(t * 12, 600), t * 12L, t * 5L, t < 36 ? 0 : r.broken));
                if (sync && t % 3 == 0)
                {
                    r.lagSeries.add(new DrillResult.LagSample(t * 100L, 120 + (t * 37) % 150));
                }
            }
            r.syncLagP50Ms = sync ? 160 : -1;
            r.syncLagP99Ms = sync ? 270 : -1;
            runs.add(r);
        }
        return runs;
    }

    @Test
    void shouldOpenInHeadlessChromiumWithItsChartsAndNoErrors() throws Exception
    {
        final String chromium = chromium();
        assumeTrue(chromium != null, "chromium is not installed (apt-get install chromium; './fleet test' does it as root): "
            + "skipping the browser check of the HTML report");
        final Path html = dir.resolve("report.html");
        Files.writeString(html, HtmlReport.of(sample()), StandardCharsets.UTF_8);
        final Path screenshot = Path.of("target", "drill-report.png").toAbsolutePath();
        Files.createDirectories(screenshot.getParent());
        Files.deleteIfExists(screenshot);
        final Path profile = Files.createDirectory(dir.resolve("profile"));
        // A small page script records whether every chart decoded; --dump-dom prints the DOM after load.
        final Path probe = dir.resolve("probe.html");
        Files.writeString(probe, Files.readString(html).replace("</body>",
            "<script>window.addEventListener('load',()=>{const bad=[...document.images].filter(i=>!i.complete||i.naturalWidth===0)"
                + ".length;document.body.setAttribute('data-images',document.images.length+'/'+bad);});</script></body>"));

        final List<String> base = List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-extensions", "--disable-background-networking", "--user-data-dir=" + profile,
            "--enable-logging=stderr", "--v=0");
        final List<String> dump = new ArrayList<>(base);
        dump.addAll(List.of("--dump-dom", probe.toUri().toString()));
        final Run dom = Run.of(dump, dir.resolve("dom.txt"), dir.resolve("dom-err.txt"));
        assertThat(dom.exit).as("chromium --dump-dom exit\n" + dom.err).isZero();
        assertThat(dom.out).as("all three charts decoded").contains("data-images=\"3/0\"");
        assertThat(dom.out).contains("Fleet drill: kill-holder").contains("&lt;under load&gt; &amp;");
        assertThat(dom.err).as("console errors").doesNotContain("Uncaught").doesNotContain("ERR_FILE_NOT_FOUND")
            .doesNotContain("Failed to load resource");

        final List<String> shot = new ArrayList<>(base);
        shot.addAll(List.of("--window-size=1100,1400", "--screenshot=" + screenshot, html.toUri().toString()));
        final Run s = Run.of(shot, dir.resolve("shot.txt"), dir.resolve("shot-err.txt"));
        assertThat(s.exit).as("chromium --screenshot exit\n" + s.err).isZero();
        final BufferedImage image = ImageIO.read(screenshot.toFile());
        assertThat(image).as("screenshot " + screenshot).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1100);
        System.out.println("screenshot of the report: " + screenshot);
    }

    private record Run(int exit, String out, String err)
    {
        static Run of(final List<String> command, final Path out, final Path err) throws Exception
        {
            final Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS))
            {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("chromium did not finish within 60 s: " + command);
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        }
    }
}
