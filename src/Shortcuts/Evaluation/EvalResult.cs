namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>One method's scores per exit level k = 0 … L−2 (index = level): Precision@1 (fraction of test samples
/// whose top-1 token equals the full model's) and Surprisal (mean −ln p of the full model's top-1 token, in nats).</summary>
public sealed record MethodScores(IReadOnlyList<double> Precision, IReadOnlyList<double> Surprisal)
{
    public double MeanPrecision => Precision.Count == 0 ? double.NaN : Precision.Average();

    public double MeanSurprisal => Surprisal.Count == 0 ? double.NaN : Surprisal.Average();
}

/// <summary>Per exit level, the lowest and highest value over the evaluated arbitrary jumps m.</summary>
public sealed record ScoreRange(IReadOnlyList<double> Min, IReadOnlyList<double> Max);

/// <summary>The spread of the arbitrary choices (the band of the paper's Figure 2). The minimum precision and the
/// minimum surprisal at a level may come from different jumps.</summary>
public sealed record ArbitraryRange(ScoreRange Precision, ScoreRange Surprisal);

/// <summary>The identity shortcut at the last block, head(h^{L−1}): the full model itself, so its precision must be
/// 1 (exactly, for an f32 dump through the real head), and its surprisal should equal the dump's own mean
/// −log p(top-1), <see cref="DumpSurprisal"/>.</summary>
public sealed record SanityCheck(int Level, double Precision, double Surprisal, double DumpSurprisal);

/// <summary>How fast the evaluation ran: hidden vectors through the head, seconds inside the head, seconds in all.</summary>
public sealed record EvalThroughput(long HeadVectors, double HeadSeconds, double TotalSeconds)
{
    /// <summary>Hidden vectors per second through the head alone.</summary>
    public double HeadVectorsPerSecond => HeadSeconds > 0 ? HeadVectors / HeadSeconds : double.NaN;

    /// <summary>Hidden vectors per second for the whole evaluation (reading, jumps, head, scoring).</summary>
    public double VectorsPerSecond => TotalSeconds > 0 ? HeadVectors / TotalSeconds : double.NaN;
}

/// <summary>
/// What <see cref="JumpEvaluator"/> measured on the test samples, per exit level k = 0 … L−2. A method the jump set
/// lacks is null (an OJFA-only set has only <see cref="Identity"/> and <see cref="Ojfa"/>);
/// <see cref="Arbitrary"/> maps each evaluated jump m to its scores at every level, and <see cref="ArbitraryMean"/>
/// and <see cref="ArbitraryRange"/> summarise them (null when none was evaluated). <see cref="ExitCurve"/> is the
/// offline early-exit curve of OJFA and N-NJTC (null without either, and in a results.json written before it existed).
/// <see cref="ArbitrarySample"/> says how the arbitrary jumps were sampled when a seeded sample left some out (null
/// when they are all, a list, or a sample that covered every jump). <see cref="ArbitraryRows"/> is the number of test
/// samples the arbitrary jumps were scored on where that is fewer than <see cref="SampleCount"/> (null: all; at level
/// m the jump m is N-NJTC's and scored on all). <see cref="OjfaExitSamples"/> is the OJFA jump's prediction on every
/// test sample at every exit level, for planning exit mode (null without OJFA, and when read back from results.json:
/// it lives in exit-samples.safetensors beside it).
/// </summary>
public sealed record EvalResult(
    int NLayer,
    int NEmbd,
    int NVocab,
    int SampleCount,
    int OjfaJump,
    MethodScores Identity,
    MethodScores? Nnjtc,
    MethodScores? Ojfa,
    MethodScores? Joint,
    IReadOnlyDictionary<int, MethodScores> Arbitrary,
    MethodScores? ArbitraryMean,
    ArbitraryRange? ArbitraryRange,
    SanityCheck Sanity,
    EvalThroughput Throughput,
    ExitCurve? ExitCurve = null,
    ArbitrarySample? ArbitrarySample = null,
    int? ArbitraryRows = null,
    ExitSamples? OjfaExitSamples = null)
{
    /// <summary>Exit levels k = 0 … L−2.</summary>
    public IReadOnlyList<int> ExitLevels => Enumerable.Range(0, NLayer - 1).ToList();

    /// <summary>The methods present, in report order, by their results.json names.</summary>
    public IReadOnlyList<(string Name, MethodScores Scores)> Methods
    {
        get
        {
            var list = new List<(string, MethodScores)> { (EvalMethods.Identity, Identity) };
            if (Nnjtc is not null) list.Add((EvalMethods.Nnjtc, Nnjtc));
            if (Ojfa is not null) list.Add((EvalMethods.Ojfa, Ojfa));
            if (Joint is not null) list.Add((EvalMethods.Joint, Joint));
            if (ArbitraryMean is not null) list.Add((EvalMethods.ArbitraryMean, ArbitraryMean));
            return list;
        }
    }
}

/// <summary>The method names used in results.json, results.csv and the report.</summary>
public static class EvalMethods
{
    /// <summary>head(h^k): the logit lens, no jump.</summary>
    public const string Identity = "identity";
    /// <summary>head(jump_k(h^k)): a separate jump per exit level (N-NJTC, the multi-jump baseline).</summary>
    public const string Nnjtc = "nnjtc";
    /// <summary>head(jump_{m*}(h^k)): the single OJFA jump at every level.</summary>
    public const string Ojfa = "ojfa";
    /// <summary>head(joint(h^k)): one jump trained on all levels pooled.</summary>
    public const string Joint = "joint";
    /// <summary>The mean over the evaluated arbitrary jumps m of head(jump_m(h^k)).</summary>
    public const string ArbitraryMean = "arbitrary_mean";
    /// <summary>Prefix of one arbitrary jump m: "arbitrary" in results.json (methods.arbitrary.&lt;m&gt;),
    /// "arbitrary.&lt;m&gt;" in results.csv.</summary>
    public const string Arbitrary = "arbitrary";

    /// <summary>Human-readable names for tables and legends.</summary>
    public static string Label(string method) => method switch
    {
        Identity => "identity",
        Nnjtc => "N-NJTC",
        Ojfa => "OJFA",
        Joint => "joint",
        ArbitraryMean => "arbitrary mean",
        _ => method,
    };
}
