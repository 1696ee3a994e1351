using System.Globalization;
using LlamaJump.Shortcuts.Evaluation;
using ScottPlot;
using SkiaSharp;

namespace LlamaJump.Shortcuts.Reports;

/// <summary>
/// The paper's figures as PNG images (ScottPlot 5 on SkiaSharp, headless), each two panels side by side:
/// Figure 2 — OJFA vs the arbitrary choices (their mean, with the min–max band) vs the joint jump; Figure 3 — the
/// softmax of D_m (T = 5e-4) per jump with the OJFA choice highlighted, beside the raw D_m; Figure 4 — OJFA vs identity
/// vs N-NJTC. Figures 2 and 4 plot Precision@1 and Surprisal against the exit level. Text uses DejaVu Sans when the
/// system has it (Debian: fonts-dejavu-core) and SkiaSharp's default font otherwise. A figure with nothing to show
/// (no arbitrary or joint results; no D_m) is null. Beyond the paper, the offline early-exit curve
/// (<see cref="ExitCurve"/>): agreement against blocks per token, and blocks per token against λ.
/// </summary>
public static class ReportPlots
{
    public const string Figure2File = "figure2-ojfa-arbitrary-joint.png";
    public const string Figure3File = "figure3-dm-softmax.png";
    public const string Figure4File = "figure4-ojfa-identity-nnjtc.png";
    public const string ExitCurveFile = "figure5-exit-curve.png";

    public const string PreferredFont = "DejaVu Sans";

    public const int PanelWidth = 640;
    public const int PanelHeight = 480;

    private static readonly Color OjfaColor = Color.FromHex("#d62728");
    private static readonly Color ArbitraryColor = Color.FromHex("#1f77b4");
    private static readonly Color JointColor = Color.FromHex("#2ca02c");
    private static readonly Color IdentityColor = Color.FromHex("#7f7f7f");
    private static readonly Color NnjtcColor = Color.FromHex("#ff7f0e");
    private static readonly Color OtherBarColor = Color.FromHex("#9ecae1");

    private static readonly Lazy<string?> Font = new(FindFont);

    /// <summary>The font family the plots use: <see cref="PreferredFont"/> when installed, else null (ScottPlot's
    /// choice).</summary>
    public static string? FontFamily => Font.Value;

    /// <summary>OJFA vs arbitrary (mean, min–max band) vs joint; null without arbitrary and joint results.</summary>
    public static byte[]? Figure2(EvalReport report)
    {
        var result = report.Result;
        if (result.ArbitraryMean is null && result.Joint is null)
        {
            return null;
        }
        Plot Panel(bool precision)
        {
            var plot = LevelPanel(report, precision);
            if (result.ArbitraryMean is { } mean && result.ArbitraryRange is { } range)
            {
                var band = precision ? range.Precision : range.Surprisal;
                var fill = plot.Add.FillY(Levels(result), [.. band.Min], [.. band.Max]);
                fill.FillColor = ArbitraryColor.WithAlpha(0.18);
                fill.LineWidth = 0;
                fill.LegendText = $"arbitrary range ({result.Arbitrary.Count} jumps)";
                Line(plot, result, Pick(mean, precision), ArbitraryColor, "arbitrary mean", LinePattern.Dashed);
            }
            if (result.Joint is { } joint)
            {
                Line(plot, result, Pick(joint, precision), JointColor, "joint");
            }
            if (result.Ojfa is { } ojfa)
            {
                Line(plot, result, Pick(ojfa, precision), OjfaColor, $"OJFA (jump {result.OjfaJump})");
            }
            return plot;
        }
        return Render(Panel(precision: true), Panel(precision: false));
    }

    /// <summary>Bars of softmax(D_m / T) per jump m with the OJFA choice highlighted, and the raw D_m; null when the
    /// jump file holds no D_m.</summary>
    public static byte[]? Figure3(EvalReport report)
    {
        var jumps = report.Jumps;
        if (jumps.DScores.Count == 0)
        {
            return null;
        }
        Plot Panel(IReadOnlyList<double> values, string title, string yLabel)
        {
            var plot = NewPlot();
            var bars = values.Select((v, m) => new Bar
            {
                Position = m,
                Value = double.IsFinite(v) ? v : 0,
                FillColor = m == jumps.Ojfa ? OjfaColor : OtherBarColor,
                LineWidth = 0,
                Size = 0.8,
            }).ToArray();
            plot.Add.Bars(bars);
            plot.Title($"{report.Model.File}: {title}");
            plot.XLabel("jump m (trained from block m to the last block)");
            plot.YLabel(yLabel);
            plot.Axes.Bottom.TickGenerator = IntegerTicks(values.Count);
            if (jumps.Ojfa >= 0 && jumps.Ojfa < values.Count)
            {
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"OJFA choice: jump {jumps.Ojfa}", FillColor = OjfaColor });
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = "other jumps", FillColor = OtherBarColor });
                plot.ShowLegend(Alignment.UpperLeft);
            }
            plot.Axes.Margins(bottom: 0);
            return plot;
        }
        var softmax = jumps.DSoftmax.Count == jumps.DScores.Count ? jumps.DSoftmax : Softmax(jumps.DScores);
        return Render(
            Panel(softmax, "softmax of D_m (T = 5e-4)", "softmax weight"),
            Panel(jumps.DScores, "D_m, signed squared cosine (eq. 5)", "D_m"));
    }

    /// <summary>OJFA vs identity (logit lens) vs N-NJTC (a jump per level).</summary>
    public static byte[] Figure4(EvalReport report)
    {
        var result = report.Result;
        Plot Panel(bool precision)
        {
            var plot = LevelPanel(report, precision);
            Line(plot, result, Pick(result.Identity, precision), IdentityColor, "identity", LinePattern.Dotted);
            if (result.Nnjtc is { } nnjtc)
            {
                Line(plot, result, Pick(nnjtc, precision), NnjtcColor, "N-NJTC (jump per level)", LinePattern.Dashed);
            }
            if (result.Ojfa is { } ojfa)
            {
                Line(plot, result, Pick(ojfa, precision), OjfaColor, $"OJFA (jump {result.OjfaJump})");
            }
            return plot;
        }
        return Render(Panel(precision: true), Panel(precision: false));
    }

    /// <summary>The offline exit curve of OJFA and N-NJTC: agreement with the full model against blocks per token
    /// (one marker per λ), and blocks per token against λ (λ ≤ 1); null without a curve.</summary>
    public static byte[]? ExitCurveFigure(EvalReport report)
    {
        if (report.Result.ExitCurve is not { } curve || (curve.Ojfa is null && curve.Nnjtc is null))
        {
            return null;
        }
        var methods = new[] { (curve.Ojfa, OjfaColor, $"OJFA (jump {report.Result.OjfaJump})"), (curve.Nnjtc, NnjtcColor, "N-NJTC (jump per level)") }
            .Where(m => m.Item1 is not null).Select(m => (Curve: m.Item1!, Color: m.Item2, Label: m.Item3)).ToList();
        Plot Panel(bool againstLambda)
        {
            var plot = NewPlot();
            plot.Title(againstLambda ? $"{report.Model.File}: blocks per token vs λ" : $"{report.Model.File}: agreement vs blocks per token");
            plot.XLabel(againstLambda ? "λ (exit when top probability ≥ λ)" : "blocks per token");
            plot.YLabel(againstLambda ? "blocks per token" : "agreement with the full model's top-1");
            foreach (var (method, color, label) in methods)
            {
                var points = method.Points.Where(p => !againstLambda || p.Lambda <= 1).ToList();
                double[] xs = [.. points.Select(p => againstLambda ? p.Lambda : p.BlocksPerToken)];
                double[] ys = [.. points.Select(p => againstLambda ? p.BlocksPerToken : p.Agreement)];
                var line = plot.Add.Scatter(xs, ys, color);
                line.LegendText = label;
                line.LineWidth = 2;
                line.MarkerSize = 5;
            }
            plot.ShowLegend(Edge.Bottom);
            plot.Legend.Orientation = Orientation.Horizontal;
            return plot;
        }
        return Render(Panel(againstLambda: false), Panel(againstLambda: true));
    }

    private static Plot LevelPanel(EvalReport report, bool precision)
    {
        var plot = NewPlot();
        plot.Title($"{report.Model.File}: {(precision ? "Precision@1 (\u2191)" : "Surprisal (\u2193)")}");
        plot.XLabel("exit level k (block)");
        plot.YLabel(precision ? "precision@1" : "surprisal (nats)");
        plot.Axes.Bottom.TickGenerator = IntegerTicks(report.Result.NLayer - 1);
        // Outside the data area, below it: the curves cross every corner.
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        return plot;
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        if (FontFamily is { } family)
        {
            plot.Font.Set(family);
        }
        return plot;
    }

    private static void Line(Plot plot, EvalResult result, IReadOnlyList<double> values, Color color, string label,
        LinePattern? pattern = null)
    {
        var line = plot.Add.Scatter(Levels(result), [.. values], color);
        line.LegendText = label;
        line.LineWidth = 2;
        line.MarkerSize = result.NLayer <= 40 ? 6 : 3;
        line.LinePattern = pattern ?? LinePattern.Solid;
    }

    private static IReadOnlyList<double> Pick(MethodScores scores, bool precision) => precision ? scores.Precision : scores.Surprisal;

    private static double[] Levels(EvalResult result) => result.ExitLevels.Select(k => (double)k).ToArray();

    private static ScottPlot.TickGenerators.NumericManual IntegerTicks(int count)
    {
        int step = count <= 16 ? 1 : count <= 32 ? 2 : 4;
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int k = 0; k < count; k += step)
        {
            ticks.AddMajor(k, k.ToString(CultureInfo.InvariantCulture));
        }
        return ticks;
    }

    private static double[] Softmax(IReadOnlyList<double> scores)
    {
        double max = scores.Max();
        var weights = scores.Select(d => Math.Exp((d - max) / Jumps.JumpSet.SoftmaxTemperature)).ToArray();
        double sum = weights.Sum();
        return weights.Select(w => w / sum).ToArray();
    }

    /// <summary>Two panels side by side, as PNG bytes. Each panel is rendered on its own (ScottPlot clears the whole
    /// canvas it renders on) and then drawn into place.</summary>
    private static byte[] Render(Plot left, Plot right)
    {
        var info = new SKImageInfo(2 * PanelWidth, PanelHeight);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        foreach (var (plot, x) in new[] { (left, 0), (right, PanelWidth) })
        {
            using var panel = SKBitmap.Decode(plot.GetImageBytes(PanelWidth, PanelHeight, ImageFormat.Png));
            canvas.DrawBitmap(panel, x, 0);
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static string? FindFont()
    {
        using var typeface = SKTypeface.FromFamilyName(PreferredFont);
        return typeface is not null && typeface.FamilyName == PreferredFont ? PreferredFont : null;
    }
}
