package io.geo.bench.report;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * PNG line charts drawn with Java2D (headless), enough for the benchmark report: several series over a shared x
 * axis, solid or dashed, with a legend. No chart library.
 */
final class Charts
{
    private static final int WIDTH = 960;
    private static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 230;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e),
        new Color(0x8c564b), new Color(0xe377c2)};

    /** How a line is drawn. */
    enum Line
    {
        SOLID, DASHED, DOTTED
    }

    /** One line: points (x[i], y[i]); NaN y values are skipped; y values above the axis are drawn at its top. */
    record Series(String name, double[] x, double[] y, int colorIndex, Line line)
    {
    }

    private Charts()
    {
    }

    /**
     * Series over categories (equally spaced x positions labelled {@code categories}; series x values are category
     * indexes); the y axis starts at 0.
     */
    static void categoryChart(
        final Path file, final String title, final String xLabel, final String yLabel, final String[] categories,
        final List<Series> series) throws IOException
    {
        final double[] ticks = new double[categories.length];
        for (int i = 0; i < ticks.length; i++)
        {
            ticks[i] = i;
        }
        draw(file, title, xLabel, yLabel, series, -0.25, categories.length - 0.75, ticks, categories, Double.NaN);
    }

    /** Series over a numeric x axis from 0; {@code yMax} fixes the y axis's top (NaN: from the data). */
    static void xyChart(
        final Path file, final String title, final String xLabel, final String yLabel, final List<Series> series,
        final double yMax) throws IOException
    {
        double xMax = 0;
        for (final Series s : series)
        {
            for (int i = 0; i < s.x().length; i++)
            {
                if (!Double.isNaN(s.y()[i]))
                {
                    xMax = Math.max(xMax, s.x()[i]);
                }
            }
        }
        final XAxis x = XAxis.upTo(xMax);
        draw(file, title, xLabel, yLabel, series, 0, x.max(), x.ticks(), x.labels(), yMax);
    }

    /**
     * Series over a numeric x axis from 0 and a logarithmic y axis spanning the decades of the data's positive y
     * values (non-positive ones are skipped).
     */
    static void xyLogChart(
        final Path file, final String title, final String xLabel, final String yLabel, final List<Series> series)
        throws IOException
    {
        double xMax = 0;
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (final Series s : series)
        {
            for (int i = 0; i < s.x().length; i++)
            {
                if (!Double.isNaN(s.y()[i]) && s.y()[i] > 0)
                {
                    xMax = Math.max(xMax, s.x()[i]);
                    yMin = Math.min(yMin, s.y()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        final XAxis x = XAxis.upTo(xMax);
        final double low = yMax == 0 ? 0 : Math.floor(Math.log10(yMin));
        final double high = yMax == 0 ? 1 : Math.max(low + 1, Math.ceil(Math.log10(yMax)));
        draw(file, title, xLabel, yLabel, series, 0, x.max(), x.ticks(), x.labels(), Double.NaN, low, high);
    }

    /** A numeric x axis from 0 to a round number above the data's largest x, with six evenly spaced ticks. */
    private record XAxis(double max, double[] ticks, String[] labels)
    {
        static XAxis upTo(final double dataMax)
        {
            final double max = niceCeiling(dataMax <= 0 ? 1 : dataMax * 1.05);
            final double[] ticks = new double[6];
            final String[] labels = new String[ticks.length];
            for (int i = 0; i < ticks.length; i++)
            {
                ticks[i] = max * i / (ticks.length - 1);
                labels[i] = format(ticks[i]);
            }
            return new XAxis(max, ticks, labels);
        }
    }

    private static void draw(
        final Path file, final String title, final String xLabel, final String yLabel, final List<Series> series,
        final double xMin, final double xMax, final double[] xTicks, final String[] xTickLabels,
        final double fixedYMax) throws IOException
    {
        draw(file, title, xLabel, yLabel, series, xMin, xMax, xTicks, xTickLabels, fixedYMax, Double.NaN, Double.NaN);
    }

    /** {@code logLow}/{@code logHigh}: the y axis's decades (log10) for a logarithmic axis, else NaN. */
    private static void draw(
        final Path file, final String title, final String xLabel, final String yLabel, final List<Series> series,
        final double xMin, final double xMax, final double[] xTicks, final String[] xTickLabels,
        final double fixedYMax, final double logLow, final double logHigh) throws IOException
    {
        final boolean log = !Double.isNaN(logLow);
        double yMax = 0;
        for (final Series s : series)
        {
            for (int i = 0; i < s.x().length; i++)
            {
                if (!Double.isNaN(s.y()[i]))
                {
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        yMax = !Double.isNaN(fixedYMax) ? fixedYMax : niceCeiling(yMax <= 0 ? 1 : yMax * 1.05);

        final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        try
        {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            final int plotW = WIDTH - LEFT - RIGHT;
            final int plotH = HEIGHT - TOP - BOTTOM;

            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, LEFT, TOP - 20);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

            // grid and y ticks
            final int yTicks = log ? (int)(logHigh - logLow) : 5;
            for (int i = 0; i <= yTicks; i++)
            {
                final double v = log ? Math.pow(10, logLow + i) : yMax * i / yTicks;
                final int py = TOP + plotH - (int)Math.round(log ? plotH * (double)i / yTicks : plotH * v / yMax);
                g.setColor(new Color(0xe0e0e0));
                g.drawLine(LEFT, py, LEFT + plotW, py);
                g.setColor(Color.DARK_GRAY);
                final String label = format(v);
                g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), py + 4);
            }
            // x ticks
            for (int i = 0; i < xTicks.length; i++)
            {
                final int px = LEFT + (int)Math.round(plotW * (xTicks[i] - xMin) / (xMax - xMin));
                g.setColor(new Color(0xe0e0e0));
                g.drawLine(px, TOP, px, TOP + plotH);
                g.setColor(Color.DARK_GRAY);
                g.drawString(xTickLabels[i], px - g.getFontMetrics().stringWidth(xTickLabels[i]) / 2,
                    TOP + plotH + 18);
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, plotW, plotH);
            g.drawString(xLabel, LEFT + plotW / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, HEIGHT - 18);
            final Graphics2D rotated = (Graphics2D)g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString(yLabel, -(TOP + plotH / 2 + g.getFontMetrics().stringWidth(yLabel) / 2), 22);
            rotated.dispose();

            // series
            int legendY = TOP + 10;
            for (final Series s : series)
            {
                final Color color = PALETTE[Math.floorMod(s.colorIndex(), PALETTE.length)];
                g.setColor(color);
                g.setStroke(stroke(s.line()));
                final Path2D path = new Path2D.Double();
                boolean started = false;
                for (int i = 0; i < s.x().length; i++)
                {
                    if (Double.isNaN(s.y()[i]) || (log && s.y()[i] <= 0))
                    {
                        continue;
                    }
                    final double px = LEFT + plotW * (s.x()[i] - xMin) / (xMax - xMin);
                    final double py = TOP + plotH - (log ?
                        plotH * (Math.log10(s.y()[i]) - logLow) / (logHigh - logLow) :
                        plotH * Math.min(s.y()[i], yMax) / yMax);
                    if (started)
                    {
                        path.lineTo(px, py);
                    }
                    else
                    {
                        path.moveTo(px, py);
                        started = true;
                    }
                    if (s.x().length <= 12 && s.line() == Line.SOLID)
                    {
                        g.fillOval((int)px - 3, (int)py - 3, 6, 6);
                    }
                }
                g.draw(path);
                g.drawLine(LEFT + plotW + 15, legendY, LEFT + plotW + 45, legendY);
                g.setStroke(new BasicStroke(1f));
                g.setColor(Color.BLACK);
                g.drawString(s.name(), LEFT + plotW + 52, legendY + 4);
                legendY += 20;
            }
        }
        finally
        {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static BasicStroke stroke(final Line line)
    {
        switch (line)
        {
            case DASHED:
                return new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {7f, 5f}, 0f);
            case DOTTED:
                return new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {1f, 4f},
                    0f);
            default:
                return new BasicStroke(2f);
        }
    }

    static double niceCeiling(final double value)
    {
        final double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (final double step : new double[] {1, 2, 2.5, 5, 10})
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String format(final double v)
    {
        if (v > 0 && v < 0.1)
        {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
