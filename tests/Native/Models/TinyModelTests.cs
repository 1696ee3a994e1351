using System.Security.Cryptography;
using AwesomeAssertions;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;
using LlamaJump.Engine;
using LlamaJump.Gguf;
using LlamaJump.Interop;
using LlamaJump.Models;
using Xunit;

namespace LlamaJump.Tests.Native.Models;

/// <summary>The tiny random-weight models of the three families: what our reader sees, and that the patched
/// llama.cpp loads them through LLamaSharp, tokenizes with the real tokenizer, decodes and generates.</summary>
public sealed class TinyModelTests
{
    public static TheoryData<string> Architectures => new("llama", "gpt2", "phi3");

    /// <summary>"Hello world" as each real tokenizer encodes it: Llama-2's SentencePiece with BOS (Phi-3 extends the
    /// same vocabulary), GPT-2's byte-level BPE without BOS.</summary>
    private static int[] HelloWorld(string arch) => arch switch
    {
        "gpt2" => [15496, 995],
        _ => [1, 15043, 3186],
    };

    private static ModelParams Parameters(string path) => new(path)
    {
        ContextSize = 128,
        GpuLayerCount = 0,
        Threads = 1,
        BatchThreads = 1,
    };

    private static long VocabSize(TinyModelSpec spec) =>
        GgufFile.Read(TinyModels.VocabPath(spec)).GetArrayLength("tokenizer.ggml.tokens")!.Value;

    [Theory]
    [MemberData(nameof(Architectures))]
    public void The_file_reads_back_as_built(string arch)
    {
        var spec = TinyModelSpec.For(arch);
        var vocab = GgufFile.Read(TinyModels.VocabPath(spec));
        long vocabSize = VocabSize(spec);

        var file = GgufFile.Read(TinyModels.PathOf(spec));

        file.Version.Should().Be(3u);
        file.GetString("general.architecture").Should().Be(arch);
        file.GetInteger($"{arch}.block_count").Should().Be(4);
        file.GetInteger($"{arch}.embedding_length").Should().Be(64);
        file.GetInteger($"{arch}.context_length").Should().Be(256);
        file.GetInteger($"{arch}.attention.head_count").Should().Be(spec.Model.HeadCount);
        file.GetInteger($"{arch}.attention.head_count_kv").Should().Be(spec.Model.HeadCountKv);
        file.GetInteger("general.file_type").Should().Be(0);
        var tokenizerKeys = vocab.Metadata.Keys.Where(k => k.StartsWith("tokenizer.", StringComparison.Ordinal)).ToList();
        tokenizerKeys.Should().Contain("tokenizer.ggml.tokens");
        file.Metadata.Keys.Where(k => k.StartsWith("tokenizer.", StringComparison.Ordinal)).Should().Equal(tokenizerKeys);
        file.Metadata["tokenizer.ggml.tokens"].AsArray<string>().Should().Equal(vocab.Metadata["tokenizer.ggml.tokens"].AsArray<string>());

        var layout = RandomModelLayout.Tensors(spec.Model, vocabSize);
        file.Tensors.Select(t => t.Name).Should().Equal(layout.Select(t => t.Name));
        foreach (var (tensor, expected) in file.Tensors.Zip(layout))
        {
            tensor.Dims.Should().Equal(expected.Dims, tensor.Name);
            tensor.Type.Should().Be(GgmlType.F32, tensor.Name);
        }
        file.Tensors.Single(t => t.Name == "token_embd.weight").Dims.Should().Equal(64, vocabSize);
        file.Tensors.Single(t => t.Name == "output.weight").Dims.Should().Equal(64, vocabSize);
        long data = file.Tensors.Sum(t => (t.ByteSize!.Value + 31) / 32 * 32);
        file.FileSize.Should().Be(file.DataOffset + data);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Llama_cpp_loads_it_tokenizes_decodes_and_generates(string arch)
    {
        NativeBackend.Initialize();
        var spec = TinyModelSpec.For(arch);
        long vocabSize = VocabSize(spec);
        var parameters = Parameters(TinyModels.PathOf(spec));
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);

        weights.EmbeddingSize.Should().Be(64);
        weights.NativeHandle.LayerCount.Should().Be(4);
        weights.ContextSize.Should().Be(256);
        weights.Vocab.Count.Should().Be((int)vocabSize);

        context.Tokenize("Hello world", addBos: true, special: false).Select(t => (int)t).Should().Equal(HelloWorld(arch));
        const string sentence = "The tower is 324 metres ( 1 @,@ 063 ft ) tall , about the same height as an 81 @-@ storey building .";
        LLamaToken[] prompt = context.Tokenize(sentence, addBos: true, special: false);
        int words = sentence.Split(' ').Length; // 23
        prompt.Length.Should().BeInRange(words, 2 * words, "a real subword tokenizer, not bytes or whole words");
        prompt.Should().OnlyContain(t => (int)t >= 0 && (int)t < vocabSize);

        var batch = new LLamaBatch();
        for (int i = 0; i < prompt.Length; i++)
            batch.Add(prompt[i], i, LLamaSeqId.Zero, logits: i == prompt.Length - 1);
        context.Decode(batch).Should().Be(DecodeResult.Ok);
        float[] logits = context.NativeHandle.GetLogitsIth(batch.TokenCount - 1).ToArray();

        logits.Should().HaveCount((int)vocabSize);
        logits.Should().OnlyContain(x => float.IsFinite(x));
        (logits.Max() - logits.Min()).Should().BeGreaterThan(0.1f, "random weights give varied logits");
        int argmax = Array.IndexOf(logits, logits.Max());

        using var greedy = new GreedySamplingPipeline();
        var generated = new List<int>();
        for (int pos = prompt.Length; generated.Count < 5; pos++)
        {
            var token = greedy.Sample(context.NativeHandle, batch.TokenCount - 1);
            generated.Add((int)token);
            batch.Clear();
            batch.Add(token, pos, LLamaSeqId.Zero, logits: true);
            context.Decode(batch).Should().Be(DecodeResult.Ok);
        }

        generated.Should().HaveCount(5).And.OnlyContain(t => t >= 0 && t < vocabSize);
        generated[0].Should().Be(argmax, "greedy picks the largest logit");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void The_F16_variant_gives_the_logits_of_the_F32_model(string arch)
    {
        NativeBackend.Initialize();
        var spec = TinyModelSpec.For(arch);
        string f16 = TinyModels.PathOf(spec, GgmlType.F16);
        var file = GgufFile.Read(f16);
        file.GetInteger("general.file_type").Should().Be(1);
        file.Tensors.Should().OnlyContain(t => t.Type == (t.Dims.Length == 1 ? GgmlType.F32 : GgmlType.F16));

        float[] expected = LastLogits(TinyModels.PathOf(spec), "The capital of France is");
        float[] actual = LastLogits(f16, "The capital of France is");

        actual.Should().HaveCount(expected.Length);
        float maxDiff = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        float range = expected.Max() - expected.Min();
        maxDiff.Should().BeLessThan(0.01f * range, $"F16 rounds each weight by at most 2^-11 relative (max diff {maxDiff}, logit range {range})");
        maxDiff.Should().BeGreaterThan(0f, "the weights really are F16");
    }

    [Fact]
    public void Building_again_gives_the_same_bytes()
    {
        var spec = TinyModelSpec.Llama;
        string cached = TinyModels.PathOf(spec);
        string again = Path.Combine(Path.GetTempPath(), $"llamajump-tiny-again-{Guid.NewGuid():N}.gguf");
        try
        {
            RandomModelBuilder.Write(spec.Model, GgmlType.F32, TinyModels.VocabPath(spec), again);

            Hash(again).Should().Be(Hash(cached));
        }
        finally
        {
            File.Delete(again);
        }
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static float[] LastLogits(string path, string text)
    {
        var parameters = Parameters(path);
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        LLamaToken[] prompt = context.Tokenize(text, addBos: true, special: false);
        var batch = new LLamaBatch();
        for (int i = 0; i < prompt.Length; i++)
            batch.Add(prompt[i], i, LLamaSeqId.Zero, logits: i == prompt.Length - 1);
        context.Decode(batch).Should().Be(DecodeResult.Ok);
        return context.NativeHandle.GetLogitsIth(batch.TokenCount - 1).ToArray();
    }
}
