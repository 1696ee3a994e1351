using AwesomeAssertions;
using LlamaJump.Interop;

namespace LlamaJump.Tests.Pure.Interop;

public sealed class RpcEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1:50052", "127.0.0.1", 50052, true)]
    [InlineData("localhost:1", "localhost", 1, true)]
    [InlineData("[::1]:65535", "::1", 65535, true)]
    [InlineData("gpu-box.lan:50052", "gpu-box.lan", 50052, false)]
    [InlineData("10.0.0.7:8080", "10.0.0.7", 8080, false)]
    public void Host_and_port_round_trip(string text, string host, int port, bool loopback)
    {
        var endpoint = RpcEndpoint.Parse(text);
        endpoint.Should().Be(new RpcEndpoint(host, port));
        endpoint.IsLoopback.Should().Be(loopback);
        endpoint.ToString().Should().Be(text);
    }

    [Theory]
    [InlineData("50052", "is not host:port")]
    [InlineData(":50052", "is not host:port")]
    [InlineData("host:", "is not host:port")]
    [InlineData("host:0", "1..65535")]
    [InlineData("host:65536", "1..65535")]
    [InlineData("host:+80", "1..65535")]
    [InlineData("::1:80", "in brackets")]
    [InlineData("[]:80", "no valid host")]
    [InlineData("a b:80", "no valid host")]
    public void Malformed_endpoints_say_what_is_wrong(string text, string mentions)
    {
        var parse = () => RpcEndpoint.Parse(text);
        parse.Should().Throw<FormatException>().WithMessage($"*{mentions}*");
    }

    [Fact]
    public void A_list_is_comma_separated_without_empty_entries_or_repeats()
    {
        RpcEndpoint.ParseList("127.0.0.1:1, 127.0.0.1:2").Should().Equal(new RpcEndpoint("127.0.0.1", 1), new RpcEndpoint("127.0.0.1", 2));
        var empty = () => RpcEndpoint.ParseList("127.0.0.1:1,,127.0.0.1:2");
        empty.Should().Throw<FormatException>().WithMessage("*empty entry*");
        var twice = () => RpcEndpoint.ParseList("h:1,h:1");
        twice.Should().Throw<FormatException>().WithMessage("*twice*");
    }
}
