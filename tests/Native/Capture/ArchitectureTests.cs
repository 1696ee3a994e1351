using AwesomeAssertions;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Tests.Native.Models;

namespace LlamaJump.Tests.Native.Capture;

/// <summary>Capture and head on tiny random-weight models of the paper's three families (llama, gpt2, phi3), each
/// around its real tokenizer: the head of the last block's rows reproduces llama.cpp's logits.</summary>
public sealed class ArchitectureTests
{
    public static TheoryData<string> Architectures => new() { "llama", "gpt2", "phi3" };

    private static string ModelFor(string arch) => arch switch
    {
        "llama" => TinyModels.Llama,
        "gpt2" => TinyModels.Gpt2,
        "phi3" => TinyModels.Phi3,
        _ => throw new ArgumentOutOfRangeException(nameof(arch)),
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Head_of_the_captured_last_block_equals_llama_logits(string arch)
    {
        using var session = new CaptureSession(ModelFor(arch), seqMax: 2);
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
        TestContext.Current.TestOutputHelper?.WriteLine($"{arch}: max |head(h^(L-1)) - llama logits| = {worst:E2} over {rows} rows, vocab {session.NVocab}");
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
