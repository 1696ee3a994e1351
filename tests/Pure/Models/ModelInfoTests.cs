using AwesomeAssertions;
using LlamaJump.Gguf;
using LlamaJump.Models;
using LlamaJump.Tests.Pure.Gguf;
using Xunit;

namespace LlamaJump.Tests.Pure.Models;

public sealed class ModelInfoTests
{
    private static GgufTestWriter Llama() => new GgufTestWriter()
        .String("general.architecture", "llama")
        .UInt32("llama.block_count", 2)
        .UInt32("llama.embedding_length", 64)
        .StringArray("tokenizer.ggml.tokens", "a", "b", "c");

    private static ModelInfo Info(GgufTestWriter writer) => ModelInfo.FromGguf(GgufFile.Read(writer.BuildStream(), "m.gguf"));

    [Fact]
    public void ReadsArchitectureSizesAndVocabulary()
    {
        var info = Info(Llama().String("tokenizer.chat_template", "{{ x }}").Tensor("output.weight", GgmlType.F16, 64, 3));

        info.Should().BeEquivalentTo(new ModelInfo(
            Path: "m.gguf", FileName: "m.gguf", Architecture: "llama", BlockCount: 2, EmbeddingLength: 64, VocabSize: 3,
            FileSizeBytes: info.FileSizeBytes, FileType: "F16", TensorCount: 1, HasTensors: true, ChatTemplate: "{{ x }}"));
        info.FileSizeBytes.Should().BeGreaterThan(64 * 3 * 2);
    }

    [Fact]
    public void VocabSizeFallsBackToTheArchitectureKey()
    {
        var info = Info(new GgufTestWriter()
            .String("general.architecture", "gpt2")
            .UInt32("gpt2.block_count", 1)
            .UInt32("gpt2.embedding_length", 8)
            .UInt32("gpt2.vocab_size", 77));

        info.VocabSize.Should().Be(77);
        info.HasTensors.Should().BeFalse();
        info.ChatTemplate.Should().BeNull();
    }

    [Theory]
    [InlineData(0, "F32")]
    [InlineData(1, "F16")]
    [InlineData(2, "Q4_0")]
    [InlineData(3, "Q4_1")]
    [InlineData(7, "Q8_0")]
    [InlineData(8, "Q5_0")]
    [InlineData(9, "Q5_1")]
    [InlineData(10, "Q2_K")]
    [InlineData(11, "Q3_K_S")]
    [InlineData(12, "Q3_K_M")]
    [InlineData(13, "Q3_K_L")]
    [InlineData(14, "Q4_K_S")]
    [InlineData(15, "Q4_K_M")]
    [InlineData(16, "Q5_K_S")]
    [InlineData(17, "Q5_K_M")]
    [InlineData(18, "Q6_K")]
    [InlineData(32, "BF16")]
    [InlineData(19, "type 19")]
    public void FileTypeNamesFollowLlamaCpp(uint fileType, string expected)
    {
        Info(Llama().UInt32("general.file_type", fileType)).FileType.Should().Be(expected);
    }

    [Fact]
    public void WithoutAFileTypeTheWeightTypesDecide()
    {
        Info(Llama().Tensor("w", GgmlType.F32, 4, 4).Tensor("n", GgmlType.F32, 4)).FileType.Should().Be("F32");
        Info(Llama().Tensor("w", GgmlType.F16, 4, 4).Tensor("n", GgmlType.F32, 4)).FileType.Should().Be("F16");
        Info(Llama().Tensor("w", GgmlType.F16, 32, 4).Tensor("v", GgmlType.Q8_0, 32, 4)).FileType.Should().Be("mixed");
        Info(Llama()).FileType.Should().Be("unknown");
    }

    [Fact]
    public void AFileWithoutAnArchitectureIsRefused()
    {
        FluentActions.Invoking(() => Info(new GgufTestWriter().UInt32("llama.block_count", 2)))
            .Should().Throw<GgufFormatException>().WithMessage("m.gguf: no general.architecture");
    }

    [Theory]
    [InlineData("")]
    [InlineData("llama\n")]
    public void AnArchitectureThatIsNotANameIsRefused(string arch)
    {
        FluentActions.Invoking(() => Info(new GgufTestWriter().String("general.architecture", arch)))
            .Should().Throw<GgufFormatException>().WithMessage("m.gguf: general.architecture '*' is not a name")
            .Which.Message.Should().NotContain("\n");
    }

    [Fact]
    public void AFileWithoutABlockCountIsRefused()
    {
        FluentActions.Invoking(() => Info(new GgufTestWriter().String("general.architecture", "llama")))
            .Should().Throw<GgufFormatException>().WithMessage("m.gguf: no llama.block_count");
    }

    [Fact]
    public void ABlockCountThatIsNotAPositiveIntIsRefused()
    {
        var writer = new GgufTestWriter().String("general.architecture", "llama").UInt64("llama.block_count", 1UL << 40);

        FluentActions.Invoking(() => Info(writer))
            .Should().Throw<GgufFormatException>().WithMessage("m.gguf: llama.block_count is UInt64 '1099511627776', not a positive int");
    }

    [Fact]
    public void AFileWithoutAVocabularyIsRefused()
    {
        var writer = new GgufTestWriter()
            .String("general.architecture", "llama").UInt32("llama.block_count", 2).UInt32("llama.embedding_length", 8);

        FluentActions.Invoking(() => Info(writer))
            .Should().Throw<GgufFormatException>().WithMessage("m.gguf: no tokenizer.ggml.tokens or llama.vocab_size");
    }

    [Fact]
    public void Stories260KIsTheSmallLlama()
    {
        string path = SharedFiles.Path("models", "gguf", "stories260K.gguf");

        var info = ModelInfo.Read(path);

        info.Path.Should().Be(path);
        info.FileName.Should().Be("stories260K.gguf");
        info.Architecture.Should().Be("llama");
        info.BlockCount.Should().Be(5);
        info.EmbeddingLength.Should().Be(64);
        info.VocabSize.Should().Be(512);
        info.FileType.Should().Be("F32");
        info.HasTensors.Should().BeTrue();
        info.TensorCount.Should().Be(48);
        info.FileSizeBytes.Should().Be(new FileInfo(path).Length);
    }

    [Fact]
    public void Stories260KTensorsAreLaidOutBackToBack()
    {
        var file = GgufFile.Read(SharedFiles.Path("models", "gguf", "stories260K.gguf"));

        file.Version.Should().Be(3u);
        file.Tensors[0].Name.Should().Be("token_embd.weight");
        file.Tensors[0].Dims.Should().Equal(64, 512);
        long next = 0;
        foreach (var tensor in file.Tensors)
        {
            tensor.Offset.Should().Be(next, tensor.Name);
            next = (tensor.Offset + tensor.ByteSize!.Value + 31) / 32 * 32;
        }
        (file.DataOffset + file.Tensors[^1].Offset + file.Tensors[^1].ByteSize).Should().Be(file.FileSize);
    }

    [Fact]
    public void TheTinyRandomLlamaHasTheFullLlama2Vocabulary()
    {
        var info = ModelInfo.Read(SharedFiles.Path("models", "gguf", "llama-2-tiny-random.gguf"));

        info.Architecture.Should().Be("llama");
        info.BlockCount.Should().Be(1);
        info.EmbeddingLength.Should().Be(8);
        info.VocabSize.Should().Be(32000);
        info.FileType.Should().Be("F16");
    }

    [Fact]
    public void TheGpt2VocabularyFileHasNoTensors()
    {
        var info = ModelInfo.Read(SharedFiles.Path("models", "vocab", "ggml-vocab-gpt-2.gguf"));

        info.Architecture.Should().Be("gpt2");
        info.VocabSize.Should().Be(50257);
        info.HasTensors.Should().BeFalse();
        info.TensorCount.Should().Be(0);
        info.BlockCount.Should().Be(12);
        info.EmbeddingLength.Should().Be(768);
    }

    [Fact]
    public void ThePhi3VocabularyFileHasAChatTemplate()
    {
        var info = ModelInfo.Read(SharedFiles.Path("models", "vocab", "ggml-vocab-phi-3.gguf"));

        info.Architecture.Should().Be("phi3");
        info.VocabSize.Should().Be(32064);
        info.ChatTemplate.Should().Contain("<|user|>");
    }

    [Fact]
    public void TheLlamaSpmVocabularyFileReads()
    {
        var file = GgufFile.Read(SharedFiles.Path("models", "vocab", "ggml-vocab-llama-spm.gguf"));

        file.GetArrayLength("tokenizer.ggml.tokens").Should().Be(32000);
        file.GetInteger("llama.vocab_size").Should().Be(32000);
        file.Metadata["tokenizer.ggml.add_bos_token"].Value.Should().Be(true);
        file.Metadata["tokenizer.ggml.tokens"].AsArray<string>()![1].Should().Be("<s>");
    }
}
