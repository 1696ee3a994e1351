using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Models;
using LlamaJump.Tests.Native.Models;

namespace LlamaJump.Tests.Native.Capture;

/// <summary>Capture and head on tiny random-weight models of every family in the backend's head table
/// (llama-jump-arch.cpp), each around a real tokenizer, built by the project's GGUF writer: the head of the last
/// block's rows reproduces llama.cpp's logits — F32 for every family, and quantised (Q8_0, Q4_0) weights for the
/// paper's three (llama, gpt2, phi3).</summary>
public sealed class ArchitectureTests
{
    public static TheoryData<string> Architectures => new() { "llama", "gpt2", "phi3" };

    /// <summary>Every family of the head table, "llama-fused" being llama with one attn_qkv per block.</summary>
    public static IReadOnlyList<string> HeadFamilies { get; } =
        ["llama", "llama-fused", "gpt2", "stablelm", "qwen2", "qwen3", "phi2", "phi3", "gemma", "gemma2", "gemma3", "starcoder2", "olmo2", "granite"];

    public static TheoryData<string, string> ArchitecturesAndTypes
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string family in HeadFamilies)
                data.Add(family, "f32");
            foreach (string type in new[] { "q8_0", "q4_0" })
            {
                foreach (string family in new[] { "llama", "gpt2", "phi3" })
                    data.Add(family, type);
            }
            return data;
        }
    }

    private static string ModelFor(string family, string type = "f32")
    {
        WeightTypes.TryParse(type, out var weightType).Should().BeTrue(type);
        return TinyModels.PathOf(TinyModelSpec.For(family), weightType);
    }

    /// <summary>The head is built from the model's own tensors with the ops the graph uses after the last block, so
    /// on quantised weights it runs the same quantised mat-mul (the activations quantised to Q8_0 the same way) on
    /// the same rows: the same tolerance holds as for F32, which leaves room only for a different summation order.
    /// </summary>
    [Theory]
    [MemberData(nameof(ArchitecturesAndTypes))]
    public void Head_of_the_captured_last_block_equals_llama_logits(string arch, string type)
    {
        using var session = new CaptureSession(ModelFor(arch, type), seqMax: 2);
        session.CaptureAllBlocks();
        var a = session.Tokenize("The tower is 324 metres tall, about the same height as an 81-storey building.");
        var b = session.Tokenize("Robert Boulter is an English film, television and theatre actor.");
        session.Decode([a, b], (_, _) => true);
        int rows = BlockCapture.RowCount(session.Context);
        rows.Should().Be(a.Length + b.Length);

        var logits = new float[rows * session.NVocab];
        OutputHead.Apply(session.Context, session.Rows(session.NLayer - 1), rows, logits);

        double worst = 0;
        for (int i = 0; i < rows; i++)
        {
            worst = Math.Max(worst, Floats.MaxAbsDiff(logits.AsSpan(i * session.NVocab, session.NVocab), session.Context.NativeHandle.GetLogitsIth(i)));
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{arch} {type}: max |head(h^(L-1)) - llama logits| = {worst:E2} over {rows} rows, vocab {session.NVocab}");
        worst.Should().BeLessThan(1e-4);
        for (int block = 0; block < session.NLayer; block++)
        {
            session.Rows(block).Should().OnlyContain(x => float.IsFinite(x));
        }
    }

    [Fact]
    public void The_backend_reports_what_it_supports_per_architecture()
    {
        foreach (string family in HeadFamilies.Where(f => f != "llama-fused"))
        {
            var support = ArchitectureSupport.Of(family);
            support.Should().Be(new ArchitectureSupport(family, Known: true, Head: true, Propagate: true), family);
        }
        ArchitectureSupport.Of("baichuan").Should().Be(new ArchitectureSupport("baichuan", Known: true, Head: false, Propagate: false));
        ArchitectureSupport.Of("no-such-architecture").Known.Should().BeFalse();
    }

    [Fact]
    public void The_head_of_an_unsupported_architecture_is_refused_by_name()
    {
        string dir = Directory.CreateTempSubdirectory("llamajump-arch-").FullName;
        try
        {
            string baichuan = ArchitectureRename.Copy(TinyModels.Llama, "baichuan", dir);
            using var session = new CaptureSession(baichuan);
            session.CaptureAllBlocks();
            session.Decode([session.Tokenize("Hello world")], (_, _) => true);
            session.Rows(session.NLayer - 1).Should().OnlyContain(x => float.IsFinite(x), "capture works for every architecture");

            var head = () => OutputHead.Apply(session.Context, session.Rows(session.NLayer - 1), 1, new float[session.NVocab]);
            var error = head.Should().Throw<LlamaJumpException>().Which;
            error.Status.Should().Be(-2);
            error.Message.Should().Contain("'baichuan'").And.Contain("supported: llama, gpt2, stablelm, qwen2, qwen3, phi2, phi3, gemma, gemma2, gemma3, starcoder2, olmo2, granite");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
