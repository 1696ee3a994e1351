using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Models;
using LlamaJump.Tests.Native.Models;

namespace LlamaJump.Tests.Native.Capture;

/// <summary>Capture and head on tiny random-weight models of the paper's three families (llama, gpt2, phi3), each
/// around its real tokenizer, with F32 and with quantised (Q8_0, Q4_0) weights: the head of the last block's rows
/// reproduces llama.cpp's logits.</summary>
public sealed class ArchitectureTests
{
    public static TheoryData<string> Architectures => new() { "llama", "gpt2", "phi3" };

    public static TheoryData<string, string> ArchitecturesAndTypes => new()
    {
        { "llama", "f32" }, { "gpt2", "f32" }, { "phi3", "f32" },
        { "llama", "q8_0" }, { "gpt2", "q8_0" }, { "phi3", "q8_0" },
        { "llama", "q4_0" }, { "gpt2", "q4_0" }, { "phi3", "q4_0" },
    };

    private static string ModelFor(string arch, string type = "f32")
    {
        WeightTypes.TryParse(type, out var weightType).Should().BeTrue(type);
        return TinyModels.PathOf(TinyModelSpec.For(arch), weightType);
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
            error.Message.Should().Contain("'baichuan'").And.Contain("supported: llama, gpt2, phi3");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
