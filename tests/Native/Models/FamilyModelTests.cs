using System.Globalization;
using AwesomeAssertions;
using LlamaJump.Gguf;
using LlamaJump.Interop;
using LlamaJump.Models;
using LlamaJump.Tests.Native.Capture;
using Xunit;

namespace LlamaJump.Tests.Native.Models;

/// <summary>Every architecture make-model writes (<see cref="TinyModelSpec.Families"/>): the tiny model is written as
/// planned, and the patched llama.cpp loads it, decodes two prompts side by side — one short, one longer than gemma2's
/// and gemma3's sliding window — with finite, varied logits at every position, and block capture gives finite rows
/// for every block. Output head and early exit on these families are tested where the head supports them.</summary>
public sealed class FamilyModelTests
{
    public static TheoryData<string> Families => new(TinyModelSpec.Families.Select(s => s.Name));

    private const string Short = "The tower is 324 metres tall, about the same height as an 81-storey building.";

    /// <summary>About 170 tokens in either tokenizer: past the tiny gemma2/gemma3 window of 128.</summary>
    private static readonly string Long = string.Join(' ', Enumerable.Repeat("Robert Boulter is an English film, television and theatre actor.", 12));

    [Theory]
    [MemberData(nameof(Families))]
    public void Llama_cpp_loads_it_decodes_two_prompts_and_captures_every_block(string name)
    {
        var spec = TinyModelSpec.For(name);
        string path = TinyModels.PathOf(spec);
        var file = GgufFile.Read(path);
        file.GetString("general.architecture").Should().Be(spec.Architecture);
        RandomModelPlan.Create(spec.Model, GgmlType.F32, TinyModels.VocabPath(spec)).IsWrittenIn(file).Should().BeTrue();

        using var session = new CaptureSession(path, seqMax: 2);
        session.NLayer.Should().Be(4);
        session.NEmbd.Should().Be(64);
        session.NVocab.Should().Be(file.GetArrayLength("tokenizer.ggml.tokens"));
        session.CaptureAllBlocks();
        var a = session.Tokenize(Short);
        var b = session.Tokenize(Long);
        b.Length.Should().BeGreaterThan(128, "the long prompt reaches past the sliding window");
        session.Decode([a, b], (_, _) => true);

        int rows = BlockCapture.RowCount(session.Context);
        rows.Should().Be(a.Length + b.Length);
        double spreadSum = 0;
        for (int i = 0; i < rows; i++)
        {
            var logits = session.Context.NativeHandle.GetLogitsIth(i);
            float min = float.MaxValue, max = float.MinValue;
            foreach (float x in logits)
            {
                float.IsFinite(x).Should().BeTrue($"logit of row {i}");
                min = Math.Min(min, x);
                max = Math.Max(max, x);
            }
            (max - min).Should().BeGreaterThan(1e-3f, $"row {i}'s logits are not all equal");
            spreadSum += max - min;
        }
        session.Context.NativeHandle.GetLogitsIth(a.Length - 1).ToArray().Should()
            .NotEqual(session.Context.NativeHandle.GetLogitsIth(rows - 1).ToArray(), "two prompts, two predictions");
        for (int block = 0; block < session.NLayer; block++)
        {
            var captured = session.Rows(block);
            captured.Should().HaveCount(rows * session.NEmbd);
            captured.Should().OnlyContain(x => float.IsFinite(x), $"block {block}'s rows");
            captured.Should().Contain(x => x != 0, $"block {block}'s rows");
        }
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: n_vocab {session.NVocab}, {file.Tensors.Count} tensors, {a.Length}+{b.Length} tokens, mean logit range {spreadSum / rows:0.0000}"));
    }
}
