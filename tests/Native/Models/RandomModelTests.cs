using System.Buffers.Binary;
using AwesomeAssertions;
using LLama.Native;
using LlamaJump.Engine;
using LlamaJump.Gguf;
using LlamaJump.Interop;
using LlamaJump.Models;
using Xunit;

namespace LlamaJump.Tests.Native.Models;

/// <summary>Random-weight llamas of the benchmark generator (<see cref="RandomModelBuilder"/>) at small widths: they
/// load through <see cref="ModelSession"/>, decode with finite logits, keep the residual stream sane over 24 blocks,
/// carry the planned weight scales, and are recognised by their plan.</summary>
public sealed class RandomModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llamajump-random-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Vocab => Path.Combine(TestPaths.Shared, "models", "vocab", "ggml-vocab-llama-spm.gguf");

    private string Build(RandomModelSpec spec, GgmlType type)
    {
        string path = Path.Combine(_dir, $"{spec.BlockCount}x{spec.EmbeddingLength}-{spec.Seed}-{type}.gguf");
        RandomModelBuilder.Write(spec, type, Vocab, path);
        return path;
    }

    [Fact]
    public void A_small_F16_llama_loads_in_a_ModelSession_and_decodes_tokens_with_finite_logits()
    {
        string path = Build(RandomModelSpec.Llama(blocks: 4, embd: 64, ff: 176, heads: 4, headsKv: 2, seed: 1), GgmlType.F16);
        using var session = ModelSession.Open(path, new SessionOptions(SequenceCount: 1, MaxTokens: 64, Threads: 1));

        session.NLayer.Should().Be(4);
        session.NEmbd.Should().Be(64);
        session.NVocab.Should().Be(32000);
        session.Info.FileType.Should().Be("F16");
        int[] prompt = session.Tokenize("The capital of France is");
        prompt.Should().StartWith(1, "the real Llama-2 tokenizer adds BOS");

        var batch = new LLamaBatch();
        for (int i = 0; i < prompt.Length; i++)
            batch.Add((LLamaToken)prompt[i], i, LLamaSeqId.Zero, logits: i == prompt.Length - 1);
        for (int pos = prompt.Length; pos < prompt.Length + 4; pos++)
        {
            session.Context.Decode(batch).Should().Be(DecodeResult.Ok);
            float[] logits = session.Context.NativeHandle.GetLogitsIth(batch.TokenCount - 1).ToArray();
            logits.Should().HaveCount(32000).And.OnlyContain(x => float.IsFinite(x));
            (logits.Max() - logits.Min()).Should().BeGreaterThan(0.1f, "random weights give varied logits");
            int next = Array.IndexOf(logits, logits.Max());
            batch.Clear();
            batch.Add((LLamaToken)next, pos, LLamaSeqId.Zero, logits: true);
        }
    }

    [Fact]
    public void The_residual_stream_stays_of_the_same_order_over_24_blocks()
    {
        string path = Build(RandomModelSpec.Llama(blocks: 24, embd: 64, ff: 176, heads: 4, headsKv: 4, seed: 1), GgmlType.F16);
        using var session = ModelSession.Open(path, new SessionOptions(SequenceCount: 1, MaxTokens: 64, Threads: 1));
        int[] tokens = session.Tokenize("The tower is 324 metres tall, about the same height as an 81-storey building.");

        var captured = new CaptureDecoder(session).Decode([tokens]);

        var rms = Enumerable.Range(0, 24).Select(b => Math.Sqrt(captured.Block(b).ToArray().Average(x => (double)x * x))).ToList();
        captured.Hidden.Should().OnlyContain(x => float.IsFinite(x));
        rms.Should().OnlyContain(r => r > 0.01 && r < 10, $"block output RMS {string.Join(", ", rms.Select(r => r.ToString("0.000")))}");
        (rms[^1] / rms[0]).Should().BeLessThan(20, "scaled output projections keep the stream from blowing up");
        float.IsFinite(captured.Top1LogProb[0]).Should().BeTrue();
    }

    [Fact]
    public void Weights_carry_the_planned_scales()
    {
        var spec = RandomModelSpec.Llama(blocks: 8, embd: 64, ff: 176, heads: 4, headsKv: 4, seed: 3);
        string path = Build(spec, GgmlType.F32);
        var file = GgufFile.Read(path);

        Std(file, path, "blk.0.attn_q.weight").Should().BeApproximately(0.02, 0.001);
        Std(file, path, "token_embd.weight").Should().BeApproximately(0.02, 0.0005);
        Std(file, path, "blk.5.ffn_down.weight").Should().BeApproximately(0.02 / 4, 0.0003, "scaled by 1/sqrt(2·8)");
        Std(file, path, "blk.5.attn_output.weight").Should().BeApproximately(0.02 / 4, 0.0003);
        Values(file, path, "blk.2.ffn_norm.weight").Should().OnlyContain(x => x == 1f);
        file.GetString("general.name").Should().Be("random-llama-8x64-f32");
        file.GetInteger("llama.attention.head_count_kv").Should().Be(4);
    }

    [Fact]
    public void A_plan_recognises_its_own_file_and_no_other()
    {
        var spec = RandomModelSpec.Llama(blocks: 2, embd: 32, ff: 64, heads: 2, headsKv: 1, seed: 1);
        var file = GgufFile.Read(Build(spec, GgmlType.F16));

        RandomModelPlan.Create(spec, GgmlType.F16, Vocab).IsWrittenIn(file).Should().BeTrue();
        RandomModelPlan.Create(spec with { Seed = 2 }, GgmlType.F16, Vocab).IsWrittenIn(file).Should().BeFalse();
        RandomModelPlan.Create(spec, GgmlType.F32, Vocab).IsWrittenIn(file).Should().BeFalse();
        RandomModelPlan.Create(spec with { FeedForwardLength = 96 }, GgmlType.F16, Vocab).IsWrittenIn(file).Should().BeFalse();
        RandomModelPlan.Create(spec, GgmlType.F16, Path.Combine(TestPaths.Shared, "models", "vocab", "ggml-vocab-phi-3.gguf"))
            .IsWrittenIn(file).Should().BeFalse("another tokenizer");
        file.GetString(RandomModelPlan.IdentityKey).Should().StartWith(RandomModelPlan.GeneratorVersion + " llama ");
    }

    [Fact]
    public void A_cancelled_write_leaves_no_file_under_either_name()
    {
        var plan = RandomModelPlan.Create(RandomModelSpec.Llama(2, 32, 64, 2, 2, 1), GgmlType.F16, Vocab);
        string path = Path.Combine(_dir, "cancelled.gguf");
        using var cancel = new CancellationTokenSource();
        int tensors = 0;

        var write = () => RandomModelBuilder.Write(plan, path, tensorWritten: _ =>
        {
            if (++tensors == 3)
                cancel.Cancel();
        }, cancel: cancel.Token);

        write.Should().Throw<OperationCanceledException>();
        tensors.Should().Be(3);
        File.Exists(path).Should().BeFalse();
        File.Exists(path + ".tmp").Should().BeFalse();
    }

    private static float[] Values(GgufFile file, string path, string tensorName)
    {
        var tensor = file.Tensors.Single(t => t.Name == tensorName);
        tensor.Type.Should().Be(GgmlType.F32);
        var bytes = new byte[tensor.ByteSize!.Value];
        using (var stream = File.OpenRead(path))
        {
            stream.Position = file.DataOffset + tensor.Offset;
            stream.ReadExactly(bytes);
        }
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
        return values;
    }

    private static double Std(GgufFile file, string path, string tensorName)
    {
        float[] values = Values(file, path, tensorName);
        double mean = values.Average(x => (double)x);
        return Math.Sqrt(values.Average(x => (x - mean) * (x - mean)));
    }
}
