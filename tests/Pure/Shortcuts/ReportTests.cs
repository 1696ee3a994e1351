using System.Globalization;
using System.Text.Json;
using AwesomeAssertions;
using LlamaJump.Shortcuts.Evaluation;
using LlamaJump.Shortcuts.Reports;
using LlamaJump.Tests.Pure.Models;
using SkiaSharp;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>results.json (schema round trip, keys and lengths, documented in RESULTS.md), results.csv, the figures
/// (real PNGs with both panels drawn), report.md and the atomic writer.</summary>
public sealed class ReportTests
{
    private const int NLayer = 6;

    private static EvalReport Report(bool ojfaOnly = false, bool withD = true, ArbitrarySelection? arbitrary = null)
    {
        var head = ProjectionHead.Random(nEmbd: 8, nVocab: 20, seed: 1);
        var samples = EvalFixtures.Samples(head, NLayer, count: 60, seed: 2);
        var set = ojfaOnly
            ? EvalFixtures.Set(NLayer, 8, [null, null, null, EvalFixtures.RandomJump(8, 2, 3), null], joint: null, ojfa: 3, d: withD ? null : [])
            : EvalFixtures.RandomSet(NLayer, 8, rank: 2, ojfa: 3, seed: 4);
        var result = new JumpEvaluator(head, new EvalSettings(arbitrary ?? ArbitrarySelection.Default)).Evaluate(samples, set);
        var jumps = ReportJumps.From("jumps.gguf", set);
        return new EvalReport(
            new ReportModel("tiny.gguf", new string('a', 64), "llama", NLayer, 8, 20),
            new ReportDump("corpus.txt", new string('c', 64), 7, 60, "f16", "random"),
            jumps, ParameterCounts.For(8, jumps.Rank, NLayer), result);
    }

    [Fact]
    public void Results_json_has_the_documented_keys_with_one_value_per_exit_level()
    {
        var report = Report();
        using var json = JsonDocument.Parse(ResultsJson.Write(report));
        var root = json.RootElement;

        root.GetProperty("schema_version").GetInt32().Should().Be(1);
        root.GetProperty("exit_levels").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(0, 1, 2, 3, 4);
        root.GetProperty("ojfa").GetInt32().Should().Be(3);
        root.GetProperty("d_m").GetArrayLength().Should().Be(NLayer - 1);
        root.GetProperty("d_m_softmax").GetArrayLength().Should().Be(NLayer - 1);
        var methods = root.GetProperty("methods");
        foreach (string name in new[] { "identity", "nnjtc", "ojfa", "joint", "arbitrary_mean" })
        {
            methods.GetProperty(name).GetProperty("precision").GetArrayLength().Should().Be(NLayer - 1, name);
            methods.GetProperty(name).GetProperty("surprisal").GetArrayLength().Should().Be(NLayer - 1, name);
        }
        methods.GetProperty("arbitrary").EnumerateObject().Select(p => p.Name).Should().Equal("0", "1", "2", "3", "4");
        methods.GetProperty("arbitrary").GetProperty("4").GetProperty("surprisal").GetArrayLength().Should().Be(NLayer - 1);
        foreach (string metric in new[] { "precision", "surprisal" })
        {
            foreach (string bound in new[] { "min", "max" })
            {
                root.GetProperty("arbitrary_range").GetProperty(metric).GetProperty(bound).GetArrayLength().Should().Be(NLayer - 1);
            }
        }
        var model = root.GetProperty("model");
        model.GetProperty("sha256").GetString().Should().Be(new string('a', 64));
        model.GetProperty("n_layer").GetInt32().Should().Be(NLayer);
        root.GetProperty("dump").GetProperty("test_count").GetInt32().Should().Be(60);
        root.GetProperty("dump").GetProperty("seed").GetUInt64().Should().Be(7);
        var parameters = root.GetProperty("parameters");
        parameters.GetProperty("per_jump").GetInt64().Should().Be(2 * 8 * 2 + 4 * 8);
        parameters.GetProperty("multi_jump_total").GetInt64().Should().Be(5 * 64);
        parameters.GetProperty("single_jump_total").GetInt64().Should().Be(64);
        parameters.GetProperty("paper_multi_jump_total").GetInt64().Should().Be(6 * 64);
        parameters.GetProperty("reduction").GetDouble().Should().Be(5);
        root.GetProperty("sanity").GetProperty("identity_precision").GetDouble().Should().Be(1.0);
    }

    [Fact]
    public void Results_json_reads_back_to_the_same_numbers()
    {
        var report = Report();
        var back = ResultsJson.Parse(ResultsJson.Write(report));

        back.Model.Should().Be(report.Model);
        back.Dump.Should().Be(report.Dump);
        back.Parameters.Should().Be(report.Parameters);
        back.Jumps.DScores.Should().Equal(report.Jumps.DScores);
        back.Jumps.DSoftmax.Should().Equal(report.Jumps.DSoftmax);
        back.Result.Sanity.Should().Be(report.Result.Sanity);
        foreach (var ((name, a), (otherName, b)) in report.Result.Methods.Zip(back.Result.Methods))
        {
            otherName.Should().Be(name);
            b.Precision.Should().Equal(a.Precision, name);
            b.Surprisal.Should().Equal(a.Surprisal, name);
        }
        back.Result.Arbitrary.Keys.Should().Equal(report.Result.Arbitrary.Keys);
        back.Result.ArbitraryRange!.Surprisal.Max.Should().Equal(report.Result.ArbitraryRange!.Surprisal.Max);
        back.Result.ExitCurve!.Candidates.Should().Equal(report.Result.ExitCurve!.Candidates);
        back.Result.ExitCurve.Ojfa!.Points.Select(p => p.Agreement).Should().Equal(report.Result.ExitCurve.Ojfa!.Points.Select(p => p.Agreement));
        ResultsJson.Write(back).Should().Be(ResultsJson.Write(report), "writing is deterministic");
    }

    [Fact]
    public void A_sampled_arbitrary_band_is_recorded_in_results_json_and_report_md()
    {
        var report = Report(arbitrary: ArbitrarySelection.Sample(2, seed: 5));
        using var json = JsonDocument.Parse(ResultsJson.Write(report));
        var root = json.RootElement;

        var sampled = root.GetProperty("methods").GetProperty("arbitrary").EnumerateObject().Select(p => int.Parse(p.Name, CultureInfo.InvariantCulture)).ToList();
        sampled.Should().HaveCount(2).And.Contain(3, "the sample always holds m*");
        root.GetProperty("arbitrary_sample").GetProperty("size").GetInt32().Should().Be(2);
        root.GetProperty("arbitrary_sample").GetProperty("available").GetInt32().Should().Be(NLayer - 1);
        root.GetProperty("arbitrary_sample").GetProperty("seed").GetInt32().Should().Be(5);
        ResultsJson.Parse(ResultsJson.Write(report)).Result.ArbitrarySample.Should().Be(new ArbitrarySample(2, NLayer - 1, 5));
        ReportMarkdown.Write(report, []).Should().Contain($"a seeded sample of 2 of the {NLayer - 1} jumps (seed 5");

        var all = Report();
        all.Result.ArbitrarySample.Should().BeNull("the default sample of 8 covers the 5 jumps of a 6-block model");
        ResultsJson.Write(all).Should().NotContain("arbitrary_sample");
        ReportMarkdown.Write(all, []).Should().NotContain("seeded sample");
    }

    [Fact]
    public void An_ojfa_only_report_leaves_out_what_the_jump_file_lacks()
    {
        var report = Report(ojfaOnly: true);
        using var json = JsonDocument.Parse(ResultsJson.Write(report));
        var methods = json.RootElement.GetProperty("methods");

        methods.EnumerateObject().Select(p => p.Name).Should().Equal("identity", "ojfa", "arbitrary");
        methods.GetProperty("arbitrary").EnumerateObject().Should().BeEmpty();
        json.RootElement.TryGetProperty("arbitrary_range", out _).Should().BeFalse();
        json.RootElement.GetProperty("jumps").GetProperty("ojfa_only").GetBoolean().Should().BeTrue();
        ResultsJson.Parse(ResultsJson.Write(report)).Result.Nnjtc.Should().BeNull();
        ReportPlots.Figure2(report).Should().BeNull("nothing to compare OJFA with");
        ReportPlots.Figure3(Report(ojfaOnly: true, withD: false)).Should().BeNull("no D_m");
    }

    [Fact]
    public void A_results_json_without_exit_curve_still_reads()
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(ResultsJson.Write(Report()))!.AsObject();
        node.Remove("exit_curve").Should().BeTrue();

        var back = ResultsJson.Parse(node.ToJsonString());

        back.Result.ExitCurve.Should().BeNull();
        back.Result.Ojfa.Should().NotBeNull();
        ResultsJson.Write(back).Should().NotContain("exit_curve");
    }

    [Fact]
    public void Exit_curve_in_results_json_has_a_point_per_lambda_and_a_histogram_per_level()
    {
        using var json = JsonDocument.Parse(ResultsJson.Write(Report()));
        var curve = json.RootElement.GetProperty("exit_curve");

        curve.GetProperty("candidates").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(1, 2, 3, 4); // ExitCandidates.Default(6)
        foreach (string method in new[] { "ojfa", "nnjtc" })
        {
            var points = curve.GetProperty(method).GetProperty("points").EnumerateArray().ToList();
            points.Select(p => p.GetProperty("lambda").GetDouble()).Should().Equal(ExitCurve.DefaultLambdas);
            points.Should().OnlyContain(p => p.GetProperty("exit_histogram").EnumerateArray().Sum(e => e.GetInt32()) == 60);
            var never = points[^1];
            never.GetProperty("blocks_per_token").GetDouble().Should().Be(NLayer);
            never.GetProperty("checks_per_token").GetDouble().Should().Be(4);
            never.GetProperty("agreement").GetDouble().Should().Be(1);
            var histograms = curve.GetProperty(method).GetProperty("top_probability_histogram").EnumerateArray().ToList();
            histograms.Should().HaveCount(NLayer - 1);
            histograms.Should().OnlyContain(h => h.GetArrayLength() == 10 && h.EnumerateArray().Sum(e => e.GetInt32()) == 60);
        }
    }

    [Fact]
    public void Every_results_json_key_is_documented_in_RESULTS_md()
    {
        string doc = File.ReadAllText(Path.Combine(RepoRoot(), "src", "Shortcuts", "Reports", "RESULTS.md"));
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        void Collect(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object) return;
            foreach (var property in element.EnumerateObject())
            {
                string full = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                keys.Add(Documented(full));
                Collect(property.Value, full);
            }
        }
        foreach (var report in new[] { Report(), Report(arbitrary: ArbitrarySelection.Sample(2, seed: 5)) })
        {
            using var json = JsonDocument.Parse(ResultsJson.Write(report));
            Collect(json.RootElement, "");
        }

        keys.Should().Contain("arbitrary_sample.seed").And.Contain("methods.<method>.precision").And.Contain("methods.arbitrary.<m>.surprisal");
        foreach (string key in keys)
        {
            doc.Should().Contain($"`{key}`", "every results.json key is documented");
        }
    }

    /// <summary>methods.ojfa.precision → methods.&lt;method&gt;.precision; methods.arbitrary.3.x → methods.arbitrary.&lt;m&gt;.x.</summary>
    private static string Documented(string path)
    {
        var parts = path.Split('.');
        if (parts.Length >= 2 && parts[0] == "methods" && parts[1] != "arbitrary") parts[1] = "<method>";
        if (parts.Length >= 3 && parts[0] == "methods" && parts[1] == "arbitrary") parts[2] = "<m>";
        if (parts.Length >= 2 && parts[0] == "exit_curve" && parts[1] is "ojfa" or "nnjtc") parts[1] = "<method>";
        return string.Join('.', parts);
    }

    [Fact]
    public void Results_csv_is_long_format_with_a_line_per_method_and_level()
    {
        var report = Report();
        var lines = ResultsCsv.Write(report.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        lines[0].Should().Be("method,level,precision,surprisal");
        lines.Length.Should().Be(1 + (5 + 5) * (NLayer - 1), "5 methods and 5 arbitrary jumps, each at 5 levels");
        lines[1].Should().StartWith("identity,0,");
        lines.Should().Contain(l => l.StartsWith("arbitrary.4,4,", StringComparison.Ordinal));
        var ojfa = lines.Single(l => l.StartsWith("ojfa,2,", StringComparison.Ordinal)).Split(',');
        double.Parse(ojfa[2], CultureInfo.InvariantCulture).Should().Be(report.Result.Ojfa!.Precision[2]);
        double.Parse(ojfa[3], CultureInfo.InvariantCulture).Should().Be(report.Result.Ojfa.Surprisal[2]);
    }

    [Fact]
    public void Figures_are_png_images_with_both_panels_drawn()
    {
        var report = Report();
        foreach (var (name, png) in new[] { ("figure 2", ReportPlots.Figure2(report)), ("figure 3", ReportPlots.Figure3(report)), ("figure 4", ReportPlots.Figure4(report)), ("exit curve", ReportPlots.ExitCurveFigure(report)) })
        {
            png.Should().NotBeNull(name);
            png!.Take(8).Should().Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], $"{name} is a PNG");
            png.Length.Should().BeGreaterThan(5_000, name);
            using var bitmap = SKBitmap.Decode(png);
            bitmap.Width.Should().Be(2 * ReportPlots.PanelWidth);
            bitmap.Height.Should().Be(ReportPlots.PanelHeight);
            NonWhite(bitmap, 0, ReportPlots.PanelWidth).Should().BeGreaterThan(500, $"{name}: the left panel is drawn");
            NonWhite(bitmap, ReportPlots.PanelWidth, 2 * ReportPlots.PanelWidth).Should().BeGreaterThan(500, $"{name}: the right panel is drawn");
        }
    }

    [Fact]
    public void Report_md_has_the_identities_the_table_the_parameters_and_links_to_the_figures()
    {
        var report = Report();
        using var directory = new TempDirectory();

        var files = ReportWriter.WriteAll(report, directory.Root);

        files.Select(Path.GetFileName).Should().Equal("results.csv", ReportPlots.Figure2File,
            ReportPlots.Figure3File, ReportPlots.Figure4File, ReportPlots.ExitCurveFile, ExitSamplesFile.FileName, "report.md", "results.json"); // results.json last: it marks completion
        Directory.GetFiles(directory.Root).Should().HaveCount(8, "no temporary files are left");
        string md = File.ReadAllText(Path.Combine(directory.Root, "report.md"));
        md.Should().Contain(new string('a', 64)).And.Contain("tiny.gguf").And.Contain(new string('c', 64));
        md.Should().Contain("| method | Precision@1 (↑) | Surprisal (↓, nats) |");
        md.Should().Contain($"| OJFA | {ResultsTable.Precision(report.Result.Ojfa!.MeanPrecision)} | {ResultsTable.Surprisal(report.Result.Ojfa.MeanSurprisal)} |");
        md.Should().Contain("| N-NJTC |").And.Contain("| identity |").And.Contain("| joint |").And.Contain("| arbitrary mean |");
        md.Should().Contain("Jump **3**").And.Contain("softmax weight");
        md.Should().Contain("## Early exit, offline (the λ curve)").And.Contain("| λ | OJFA blocks/token | checks/token | agreement | N-NJTC blocks/token |")
            .And.Contain("| never | 6.00 | 4.00 | 1.000 | 6.00 | 4.00 | 1.000 |");
        md.Should().Contain("| per jump | 1 | 64 |").And.Contain("| multi-jump (N-NJTC, one per exit level) | 5 | 320 |");
        foreach (string figure in new[] { ReportPlots.Figure2File, ReportPlots.Figure3File, ReportPlots.Figure4File, ReportPlots.ExitCurveFile })
        {
            md.Should().Contain($"]({figure})");
        }
    }

    [Fact]
    public void Rewriting_with_fewer_figures_removes_the_stale_ones()
    {
        using var directory = new TempDirectory();
        ReportWriter.WriteAll(Report(), directory.Root);

        var files = ReportWriter.WriteAll(Report(ojfaOnly: true), directory.Root);

        files.Select(Path.GetFileName).Should().NotContain(ReportPlots.Figure2File);
        File.Exists(Path.Combine(directory.Root, ReportPlots.Figure2File)).Should().BeFalse();
        File.ReadAllText(Path.Combine(directory.Root, "report.md")).Should().NotContain(ReportPlots.Figure2File);
        File.ReadAllText(Path.Combine(directory.Root, "results.json")).Should().Contain("\"ojfa_only\": true");
    }

    [Fact]
    public void The_console_table_has_a_row_per_level_and_a_mean()
    {
        var (header, rows) = ResultsTable.Build(Report().Result);

        header.Should().HaveCount(1 + 2 * 5);
        header[1].Should().Be("identity P@1");
        rows.Should().HaveCount(NLayer);
        rows[^1][0].Should().Be("mean");
        rows.Should().OnlyContain(r => r.Count == header.Count);
    }

    private static int NonWhite(SKBitmap bitmap, int x0, int x1)
    {
        int count = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
        {
            for (int x = x0; x < x1; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red < 200 || c.Green < 200 || c.Blue < 200) count++;
            }
        }
        return count;
    }

    private static string RepoRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LlamaJump.sln"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no LlamaJump.sln above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}");
    }
}
