using System.Text;
using System.Text.Json;
using LlamaJump.Shortcuts.Evaluation;

namespace LlamaJump.Shortcuts.Reports;

/// <summary>
/// results.json, schema version 1, as documented in RESULTS.md beside this file: snake_case keys in a fixed order,
/// lists over exit levels k = 0 … L−2, methods the jump file lacks left out. <see cref="Parse"/> reads it back
/// (throughput is not stored and reads as zero; a file without <c>exit_curve</c> reads with a null curve, one without
/// <c>arbitrary_sample</c> with a null sample).
/// </summary>
public static class ResultsJson
{
    public static string Write(EvalReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            Write(json, report);
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void Write(Utf8JsonWriter json, EvalReport report)
    {
        var (model, dump, jumps, parameters, result) = (report.Model, report.Dump, report.Jumps, report.Parameters, report.Result);
        json.WriteStartObject();
        json.WriteNumber("schema_version", EvalReport.SchemaVersion);

        json.WriteStartObject("model");
        json.WriteString("file", model.File);
        json.WriteString("sha256", model.Sha256);
        json.WriteString("architecture", model.Architecture);
        json.WriteNumber("n_layer", model.NLayer);
        json.WriteNumber("n_embd", model.NEmbd);
        json.WriteNumber("n_vocab", model.NVocab);
        json.WriteEndObject();

        json.WriteStartObject("dump");
        json.WriteString("corpus_file", dump.CorpusFile);
        json.WriteString("corpus_sha256", dump.CorpusSha256);
        json.WriteNumber("seed", dump.Seed);
        json.WriteNumber("test_count", dump.TestCount);
        json.WriteString("dtype", dump.Dtype);
        json.WriteString("position", dump.Position);
        json.WriteEndObject();

        json.WriteStartObject("jumps");
        json.WriteString("file", jumps.File);
        json.WriteNumber("rank", jumps.Rank);
        json.WriteBoolean("ojfa_only", jumps.OjfaOnly);
        json.WriteEndObject();

        json.WritePropertyName("exit_levels");
        json.WriteStartArray();
        foreach (int level in result.ExitLevels)
        {
            json.WriteNumberValue(level);
        }
        json.WriteEndArray();
        json.WriteNumber("ojfa", jumps.Ojfa);
        Numbers(json, "d_m", jumps.DScores);
        Numbers(json, "d_m_softmax", jumps.DSoftmax);

        json.WriteStartObject("methods");
        foreach (var (name, scores) in result.Methods)
        {
            Scores(json, name, scores);
        }
        json.WriteStartObject(EvalMethods.Arbitrary);
        foreach (var (m, scores) in result.Arbitrary.OrderBy(p => p.Key))
        {
            Scores(json, m.ToString(System.Globalization.CultureInfo.InvariantCulture), scores);
        }
        json.WriteEndObject();
        json.WriteEndObject();

        if (result.ArbitraryRange is { } range)
        {
            json.WriteStartObject("arbitrary_range");
            Range(json, "precision", range.Precision);
            Range(json, "surprisal", range.Surprisal);
            json.WriteEndObject();
        }

        if (result.ArbitrarySample is { } sample)
        {
            json.WriteStartObject("arbitrary_sample");
            json.WriteNumber("size", sample.Size);
            json.WriteNumber("available", sample.Available);
            json.WriteNumber("seed", sample.Seed);
            json.WriteEndObject();
        }
        if (result.ArbitraryRows is { } arbitraryRows)
        {
            json.WriteNumber("arbitrary_rows", arbitraryRows);
        }

        json.WriteStartObject("sanity");
        json.WriteNumber("level", result.Sanity.Level);
        Number(json, "identity_precision", result.Sanity.Precision);
        Number(json, "identity_surprisal", result.Sanity.Surprisal);
        Number(json, "dump_surprisal", result.Sanity.DumpSurprisal);
        json.WriteEndObject();

        json.WriteStartObject("parameters");
        json.WriteNumber("hidden", parameters.Hidden);
        json.WriteNumber("rank", parameters.Rank);
        json.WriteNumber("jumps", parameters.Jumps);
        json.WriteNumber("per_jump", parameters.PerJump);
        json.WriteNumber("multi_jump_total", parameters.MultiJumpTotal);
        json.WriteNumber("single_jump_total", parameters.SingleJumpTotal);
        json.WriteNumber("paper_multi_jump_total", parameters.PaperMultiJumpTotal);
        Number(json, "reduction", parameters.Reduction);
        json.WriteEndObject();

        if (result.ExitCurve is { } curve)
        {
            WriteCurve(json, curve);
        }

        json.WriteEndObject();
    }

    private static void WriteCurve(Utf8JsonWriter json, ExitCurve curve)
    {
        json.WriteStartObject("exit_curve");
        Integers(json, "candidates", curve.Candidates);
        json.WriteNumber("histogram_bins", ExitCurve.HistogramBins);
        foreach (var (name, method) in new[] { (EvalMethods.Ojfa, curve.Ojfa), (EvalMethods.Nnjtc, curve.Nnjtc) })
        {
            if (method is null)
            {
                continue;
            }
            json.WriteStartObject(name);
            json.WriteStartArray("points");
            foreach (var point in method.Points)
            {
                json.WriteStartObject();
                Number(json, "lambda", point.Lambda);
                Number(json, "blocks_per_token", point.BlocksPerToken);
                Number(json, "checks_per_token", point.ChecksPerToken);
                Number(json, "agreement", point.Agreement);
                Integers(json, "exit_histogram", point.ExitHistogram);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("top_probability_histogram");
            foreach (var counts in method.TopProbabilityHistogram)
            {
                json.WriteStartArray();
                foreach (int c in counts)
                {
                    json.WriteNumberValue(c);
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static void Integers(Utf8JsonWriter json, string name, IEnumerable<int> values)
    {
        json.WriteStartArray(name);
        foreach (int value in values)
        {
            json.WriteNumberValue(value);
        }
        json.WriteEndArray();
    }

    private static void Scores(Utf8JsonWriter json, string name, MethodScores scores)
    {
        json.WriteStartObject(name);
        Numbers(json, "precision", scores.Precision);
        Numbers(json, "surprisal", scores.Surprisal);
        Number(json, "mean_precision", scores.MeanPrecision);
        Number(json, "mean_surprisal", scores.MeanSurprisal);
        json.WriteEndObject();
    }

    private static void Range(Utf8JsonWriter json, string name, ScoreRange range)
    {
        json.WriteStartObject(name);
        Numbers(json, "min", range.Min);
        Numbers(json, "max", range.Max);
        json.WriteEndObject();
    }

    private static void Numbers(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        json.WriteStartArray(name);
        foreach (double value in values)
        {
            Value(json, value);
        }
        json.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        Value(json, value);
    }

    /// <summary>JSON has no NaN or infinity: such a value is written as null.</summary>
    private static void Value(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteNullValue();
        }
    }

    /// <summary>Reads results.json text back into a report; throws <see cref="FormatException"/> for another schema
    /// version and <see cref="JsonException"/> or <see cref="KeyNotFoundException"/> for text that does not follow it.</summary>
    public static EvalReport Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        int version = root.GetProperty("schema_version").GetInt32();
        if (version != EvalReport.SchemaVersion)
        {
            throw new FormatException($"results.json schema version {version} is not {EvalReport.SchemaVersion}");
        }
        var m = root.GetProperty("model");
        var model = new ReportModel(m.GetProperty("file").GetString()!, m.GetProperty("sha256").GetString()!,
            m.GetProperty("architecture").GetString()!, m.GetProperty("n_layer").GetInt32(), m.GetProperty("n_embd").GetInt32(),
            m.GetProperty("n_vocab").GetInt32());
        var d = root.GetProperty("dump");
        var dump = new ReportDump(d.GetProperty("corpus_file").GetString()!, d.GetProperty("corpus_sha256").GetString()!,
            d.GetProperty("seed").GetUInt64(), d.GetProperty("test_count").GetInt32(), d.GetProperty("dtype").GetString()!,
            d.GetProperty("position").GetString()!);
        var j = root.GetProperty("jumps");
        int ojfa = root.GetProperty("ojfa").GetInt32();
        var jumps = new ReportJumps(j.GetProperty("file").GetString()!, j.GetProperty("rank").GetInt32(),
            j.GetProperty("ojfa_only").GetBoolean(), ojfa, ReadNumbers(root.GetProperty("d_m")), ReadNumbers(root.GetProperty("d_m_softmax")));
        var p = root.GetProperty("parameters");
        var parameters = new ParameterCounts(p.GetProperty("hidden").GetInt32(), p.GetProperty("rank").GetInt32(),
            p.GetProperty("jumps").GetInt32(), p.GetProperty("per_jump").GetInt64(), p.GetProperty("multi_jump_total").GetInt64(),
            p.GetProperty("single_jump_total").GetInt64(), p.GetProperty("paper_multi_jump_total").GetInt64());

        var methods = root.GetProperty("methods");
        MethodScores? Method(string name) => methods.TryGetProperty(name, out var e) ? ReadScores(e) : null;
        var arbitrary = methods.GetProperty(EvalMethods.Arbitrary).EnumerateObject()
            .ToDictionary(e => int.Parse(e.Name, System.Globalization.CultureInfo.InvariantCulture), e => ReadScores(e.Value));
        ArbitraryRange? range = null;
        if (root.TryGetProperty("arbitrary_range", out var r))
        {
            range = new ArbitraryRange(ReadRange(r.GetProperty("precision")), ReadRange(r.GetProperty("surprisal")));
        }
        ArbitrarySample? sample = null;
        if (root.TryGetProperty("arbitrary_sample", out var a))
        {
            sample = new ArbitrarySample(a.GetProperty("size").GetInt32(), a.GetProperty("available").GetInt32(), a.GetProperty("seed").GetInt32());
        }
        var s = root.GetProperty("sanity");
        var sanity = new SanityCheck(s.GetProperty("level").GetInt32(), ReadNumber(s.GetProperty("identity_precision")),
            ReadNumber(s.GetProperty("identity_surprisal")), ReadNumber(s.GetProperty("dump_surprisal")));
        var result = new EvalResult(model.NLayer, model.NEmbd, model.NVocab, dump.TestCount, ojfa,
            Method(EvalMethods.Identity) ?? throw new KeyNotFoundException("methods.identity is missing"),
            Method(EvalMethods.Nnjtc), Method(EvalMethods.Ojfa), Method(EvalMethods.Joint), arbitrary,
            Method(EvalMethods.ArbitraryMean), range, sanity, new EvalThroughput(0, 0, 0),
            root.TryGetProperty("exit_curve", out var c) ? ReadCurve(c) : null, sample,
            root.TryGetProperty("arbitrary_rows", out var ar) ? ar.GetInt32() : null);
        return new EvalReport(model, dump, jumps, parameters, result);
    }

    /// <summary>exit_curve, absent from a results.json written before it existed.</summary>
    private static ExitCurve ReadCurve(JsonElement e)
    {
        MethodExitCurve? Method(string name) => e.TryGetProperty(name, out var m)
            ? new MethodExitCurve(
                m.GetProperty("points").EnumerateArray().Select(p => new ExitCurvePoint(
                    ReadNumber(p.GetProperty("lambda")), ReadNumber(p.GetProperty("blocks_per_token")),
                    ReadNumber(p.GetProperty("checks_per_token")), ReadNumber(p.GetProperty("agreement")),
                    ReadIntegers(p.GetProperty("exit_histogram")))).ToList(),
                m.GetProperty("top_probability_histogram").EnumerateArray().Select(a => (IReadOnlyList<int>)ReadIntegers(a)).ToList())
            : null;
        return new ExitCurve(ReadIntegers(e.GetProperty("candidates")), Method(EvalMethods.Ojfa), Method(EvalMethods.Nnjtc));
    }

    private static List<int> ReadIntegers(JsonElement array) => array.EnumerateArray().Select(v => v.GetInt32()).ToList();

    private static MethodScores ReadScores(JsonElement e) =>
        new(ReadNumbers(e.GetProperty("precision")), ReadNumbers(e.GetProperty("surprisal")));

    private static ScoreRange ReadRange(JsonElement e) => new(ReadNumbers(e.GetProperty("min")), ReadNumbers(e.GetProperty("max")));

    private static List<double> ReadNumbers(JsonElement array) => array.EnumerateArray().Select(ReadNumber).ToList();

    private static double ReadNumber(JsonElement e) => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble();
}
