package io.fleet.simulator.report;

import io.fleet.simulator.drill.DrillResult;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;

/**
 * A self-contained HTML report: the figures' table and three charts (flows over time with the faults marked, sync
 * lag, new flows per real server), drawn with JFreeChart to PNG and embedded as data: URIs, so the file opens
 * anywhere without a network.
 */
public final class HtmlReport
{
    private static final int WIDTH = 960;
    private static final int HEIGHT = 360;

    private HtmlReport()
    {
    }

    public static String of(final List<DrillResult> runs)
    {
        System.setProperty("java.awt.headless", "true");
        final DrillResult first = runs.get(0);
        final StringBuilder sb = new StringBuilder(256 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .append("<title>Fleet drill: ").append(escape(first.scenario)).append("</title>\n")
            .append("<style>body{font-family:sans-serif;margin:2em;max-width:1000px}pre{background:#f4f4f4;padding:1em;")
            .append("overflow-x:auto;font-size:13px}img{display:block;margin:1em 0;border:1px solid #ddd}</style>")
            .append("</head><body>\n");
        sb.append("<h1>Fleet drill: ").append(escape(first.scenario)).append("</h1>\n<p>").append(escape(first.description))
            .append("</p>\n<p>Real forwarding core, sync and election of every director; simulated L2 fabric, clients and ")
            .append("real servers. Figures are explained in docs/simulator.md.</p>\n");
        sb.append("<h2>Figures</h2>\n<pre id=\"figures\">").append(escape(TextReport.of(runs))).append("</pre>\n");
        sb.append("<h2>Flows over time</h2>\n").append(img("flows", flowsChart(runs)));
        sb.append("<h2>Sync lag</h2>\n<p>Time from a sampled flow being established to its record in a peer director's ")
            .append("connection table.</p>\n").append(img("lag", lagChart(runs)));
        sb.append("<h2>Load per real server</h2>\n<p>New flows each real server got.</p>\n").append(img("load", loadChart(runs)));
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private static String img(final String id, final JFreeChart chart)
    {
        try
        {
            final byte[] png = ChartUtils.encodeAsPNG(chart.createBufferedImage(WIDTH, HEIGHT));
            return "<img id=\"" + id + "\" alt=\"" + escape(chart.getTitle() == null ? id : chart.getTitle().getText())
                + "\" width=\"" + WIDTH + "\" height=\"" + HEIGHT + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png) + "\">\n";
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static String name(final DrillResult r)
    {
        return "sync " + (r.knobs.sync ? "on" : "off");
    }

    private static JFreeChart flowsChart(final List<DrillResult> runs)
    {
        final XYSeriesCollection data = new XYSeriesCollection();
        for (final DrillResult r : runs)
        {
            final XYSeries active = new XYSeries("active flows, " + name(r));
            final XYSeries broken = new XYSeries("broken flows (total), " + name(r));
            for (final DrillResult.Sample s : r.series)
            {
                active.add(s.tMs() / 1000.0, s.active());
                broken.add(s.tMs() / 1000.0, s.broken());
            }
            data.addSeries(active);
            data.addSeries(broken);
        }
        final JFreeChart chart = ChartFactory.createXYLineChart("Flows over time", "time (s)", "flows", data,
            PlotOrientation.VERTICAL, true, false, false);
        final XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        for (final DrillResult.FaultRecord f : runs.get(0).faults)
        {
            final ValueMarker m = new ValueMarker(f.atMs() / 1000.0, Color.RED, new BasicStroke(1.5f));
            m.setLabel(f.label());
            m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            plot.addDomainMarker(m);
        }
        return chart;
    }

    private static JFreeChart lagChart(final List<DrillResult> runs)
    {
        final XYSeriesCollection data = new XYSeriesCollection();
        for (final DrillResult r : runs)
        {
            final XYSeries lag = new XYSeries("sync lag, " + name(r));
            for (final DrillResult.LagSample s : r.lagSeries)
            {
                lag.add(s.tMs() / 1000.0, s.lagMs());
            }
            data.addSeries(lag);
        }
        final JFreeChart chart = ChartFactory.createScatterPlot("Sync lag (ms) by time the flow was established", "time (s)",
            "lag (ms)", data, PlotOrientation.VERTICAL, true, false, false);
        chart.getXYPlot().setBackgroundPaint(Color.WHITE);
        for (final DrillResult.FaultRecord f : runs.get(0).faults)
        {
            chart.getXYPlot().addDomainMarker(new ValueMarker(f.atMs() / 1000.0, Color.RED, new BasicStroke(1.5f)));
        }
        return chart;
    }

    private static JFreeChart loadChart(final List<DrillResult> runs)
    {
        final DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (final DrillResult r : runs)
        {
            for (int s = 0; s < r.newFlowsPerServer.length; s++)
            {
                data.addValue(r.newFlowsPerServer[s], name(r), "rs" + (s + 1));
            }
        }
        final JFreeChart chart = ChartFactory.createBarChart("New flows per real server", "real server", "new flows", data,
            PlotOrientation.VERTICAL, true, false, false);
        chart.getCategoryPlot().setBackgroundPaint(Color.WHITE);
        chart.getCategoryPlot().getDomainAxis().setTickLabelsVisible(runs.get(0).newFlowsPerServer.length <= 40);
        return chart;
    }

    static String escape(final String s)
    {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
