using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AwesomeAssertions;
using LlamaJump.Dumps;
using LlamaJump.Dumps.Corpus;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Dumps.Sampling;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Shortcuts.Evaluation;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Reports;

namespace LlamaJump.Tests.Native.Shortcuts;

/// <summary>
/// The evaluation through stories260K's real head (llama_jump_head) on a small f32 dump written here with the
/// capture decoder and the dump writer: head(h^{L−1}) reproduces every top-1 the full model recorded (precision
/// exactly 1, surprisal = the dump's own), exact identity jumps give identity's scores, and the pipeline writes
/// results.json and the rest.
/// </summary>
public sealed class EvaluationNativeTests : IDisposable
{
    private const int TestSamples = 100;
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"llamajump-eval-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Identity_at_the_last_block_through_the_real_head_gives_precision_one_and_the_pipeline_writes_results()
    {
        using var session = ModelSession.Open(TestPaths.Stories260K, new SessionOptions(SequenceCount: 16, MaxTokens: 64, Threads: 2));
        var manifest = WriteDump(session, Path.Combine(_root, "dump"));
        using var dump = DumpReader.Open(Path.Combine(_root, "dump"));
        int nLayer = session.NLayer, nEmbd = session.NEmbd;
        // Every per-level jump and the joint jump are exact identities (BatchNorm γ 1, β 0, mean 0, var 1, eps 0;
        // A = B = I), so N-NJTC, OJFA, every arbitrary choice and joint must score exactly as identity.
        var set = new JumpSet(
            new JumpIdentity(manifest.Identity.Model.Sha256, manifest.Identity.Model.Architecture, nLayer, nEmbd, manifest.Identity.Model.File,
                manifest.Identity.Corpus.Sha256, manifest.Identity.Seed, manifest.Identity.TrainCount),
            new TrainingSettings(nEmbd, 1, 16, 1e-3, 1, 0.1, 5, "batched"),
            Enumerable.Range(0, nLayer - 1).Select(_ => (JumpWeights?)IdentityJump(nEmbd)).ToList(), IdentityJump(nEmbd),
            Ojfa: 1, DScores: Enumerable.Range(0, nLayer - 1).Select(m => m == 1 ? 0.9 : 0.5).ToList(),
            DSoftmax: Enumerable.Range(0, nLayer - 1).Select(m => m == 1 ? 1.0 : 0.0).ToList(), ValidationLoss: new double[nLayer - 1]);
        JumpFile.EnsureMatches(set, manifest.Identity.Model.Sha256, nLayer, nEmbd, "the dump");

        var evaluator = new JumpEvaluator(new ModelSessionHead(session), new EvalSettings(ArbitrarySelection.Everything, BatchRows: 64));
        var result = evaluator.Evaluate(new DumpEvalSamples(dump.Split(DumpSplit.Test)), set, cancellation: TestContext.Current.CancellationToken);

        result.SampleCount.Should().Be(TestSamples);
        result.Sanity.Precision.Should().Be(1.0, "head(h^{L-1}) is the full model");
        result.Sanity.Surprisal.Should().BeApproximately(result.Sanity.DumpSurprisal, 1e-4);
        foreach (var (name, scores) in result.Methods.Concat(result.Arbitrary.Select(p => ($"arbitrary {p.Key}", p.Value))))
        {
            scores.Precision.Should().Equal(result.Identity.Precision, name);
            scores.Surprisal.Should().Equal(result.Identity.Surprisal, name);
        }
        result.Identity.Precision[^1].Should().BeLessThan(1.0, "an earlier block is not the full model");
        result.Identity.Surprisal.Should().OnlyContain(s => s > result.Sanity.Surprisal);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stories260K, {TestSamples} test samples: identity precision per level {string.Join(", ", result.Identity.Precision)}; {result.Throughput.HeadVectorsPerSecond:0} vectors/s through the head"));

        var report = EvalReport.Create(manifest, "identity-jumps.gguf", set, result);
        var files = ReportWriter.WriteAll(report, Path.Combine(_root, "results"));

        files.Select(Path.GetFileName).Should().Contain(["results.json", "results.csv", "report.md", ReportPlots.Figure4File]);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "results", "results.json")));
        json.RootElement.GetProperty("model").GetProperty("sha256").GetString().Should().Be(manifest.Identity.Model.Sha256);
        json.RootElement.GetProperty("dump").GetProperty("test_count").GetInt32().Should().Be(TestSamples);
        json.RootElement.GetProperty("sanity").GetProperty("identity_precision").GetDouble().Should().Be(1.0);
        json.RootElement.GetProperty("methods").GetProperty("ojfa").GetProperty("precision").GetArrayLength().Should().Be(nLayer - 1);
    }

    /// <summary>A dump of stories260K (f32, 10 train + 100 test samples) of generated sentences, written as
    /// <c>llamajump dump</c> writes one: capture decode in batches, then the dump writer.</summary>
    private static DumpManifest WriteDump(ModelSession session, string directory)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
        string corpusPath = directory + ".txt";
        File.WriteAllText(corpusPath, Corpus(), Encoding.UTF8);
        var corpus = CorpusReader.Read(corpusPath);
        var tokens = corpus.Sentences.Select(s => session.Tokenize(s)).ToList();
        const ulong seed = 5;
        var selection = SampleSelection.Create(corpus.Sentences.Count, 10, TestSamples, seed, allowFewer: false);
        var plan = DumpPlan.Create(selection, null, PositionPolicy.Random, seed, s => tokens[s].Length);
        string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(TestPaths.Stories260K)));
        var identity = new DumpIdentity(
            new DumpModelInfo(Path.GetFileName(TestPaths.Stories260K), sha, session.Info.Architecture, session.NLayer, session.NEmbd, session.NVocab),
            DumpCorpusInfo.From(Path.GetFileName(corpusPath), corpus), seed, PositionPolicy.Random, TensorDtype.F32,
            selection.Train.Count, selection.Test.Count, null);

        using var writer = DumpWriter.OpenOrResume(directory, identity, plan, force: false);
        var decoder = new CaptureDecoder(session);
        foreach (var split in DumpSplitExtensions.All)
        {
            foreach (var group in writer.Remaining(split).Chunk(session.Options.SequenceCount))
            {
                var sequences = group.Select(p => tokens[p.SentenceIndex][..(p.Position + 1)]).ToList();
                var batch = decoder.Decode(sequences);
                var results = sequences.Select((s, j) => new DumpSampleResult(s, batch.Top1[j], batch.Top1LogProb[j], false)).ToList();
                writer.WriteBatch(split, group.Select(p => p.SampleIndex).ToArray(), batch.Hidden, results);
            }
        }
        return writer.Complete();
    }

    /// <summary>150 distinct simple sentences of 7+ words.</summary>
    private static string Corpus()
    {
        string[] names = ["Lily", "Ben", "Tom", "Sue", "Max", "Anna"];
        string[] verbs = ["saw", "found", "liked", "wanted", "took"];
        string[] things = ["a big red ball", "a little dog", "a shiny stone", "a tall tree", "a warm cake"];
        var text = new StringBuilder();
        foreach (string name in names)
            foreach (string verb in verbs)
                foreach (string thing in things)
                    text.Append(CultureInfo.InvariantCulture, $"One day {name} {verb} {thing} in the park. ");
        return text.ToString();
    }

    private static JumpWeights IdentityJump(int hidden)
    {
        var eye = new float[hidden * hidden];
        for (int i = 0; i < hidden; i++) eye[i * hidden + i] = 1;
        float[] ones = Enumerable.Repeat(1f, hidden).ToArray();
        return new JumpWeights(hidden, hidden, ones, new float[hidden], new float[hidden], (float[])ones.Clone(), eye, (float[])eye.Clone(), eps: 0);
    }
}
