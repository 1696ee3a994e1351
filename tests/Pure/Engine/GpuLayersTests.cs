using AwesomeAssertions;
using LlamaJump.Engine;

namespace LlamaJump.Tests.Pure.Engine;

public sealed class GpuLayersTests
{
    [Theory]
    [InlineData("auto", "auto")]
    [InlineData("AUTO", "auto")]
    [InlineData(" all ", "all")]
    [InlineData("0", "0")]
    [InlineData("33", "33")]
    public void Parses_auto_all_and_counts(string text, string parsed)
    {
        GpuLayers.Parse(text).ToString().Should().Be(parsed);
    }

    [Fact]
    public void Only_a_count_carries_a_number()
    {
        GpuLayers.Parse("12").Layers.Should().Be(12);
        GpuLayers.Auto.Layers.Should().BeNull();
        GpuLayers.All.Layers.Should().BeNull();
        GpuLayers.Auto.IsAuto.Should().BeTrue();
        GpuLayers.All.IsAll.Should().BeTrue();
        GpuLayers.Count(0).IsAuto.Should().BeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+3")]
    [InlineData("1.5")]
    [InlineData("every")]
    [InlineData("99999999999")]
    public void Anything_else_is_refused(string text)
    {
        var parse = () => GpuLayers.Parse(text);
        parse.Should().Throw<FormatException>().WithMessage("*not auto, all or a number of layers*");
    }
}
