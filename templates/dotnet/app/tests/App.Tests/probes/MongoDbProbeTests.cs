using System.Buffers.Binary;
using System.Text;
using App.Probes;

namespace App.Tests.Probes;

public class MongoDbProbeTests
{
    /// <summary>Reads one OP_MSG, records it, and answers with <paramref name="reply"/>.</summary>
    private static FakeServer FakeMongo(Func<byte[]> reply, List<byte[]> seen) =>
        FakeServer.Start(async connection =>
        {
            var header = await connection.ReadAsync(16);
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            var request = Concat(header, await connection.ReadAsync(length - 16));
            seen.Add(request);
            var requestId = BinaryPrimitives.ReadInt32LittleEndian(request.AsSpan(4));
            await connection.WriteAsync(OpMsgReply(requestId, reply()));
            await connection.HangupAsync();
        });

    private static byte[] OpMsgReply(int responseTo, byte[] document)
    {
        var header = new byte[21];
        BinaryPrimitives.WriteInt32LittleEndian(header, 21 + document.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), 99);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), responseTo);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), 2013);
        return Concat(header, document);
    }

    // Just enough BSON to build realistic replies, including types the probe skips.

    private static byte[] Element(byte type, string name, byte[] value) =>
        Concat(new[] { type }, Encoding.UTF8.GetBytes(name + "\0"), value);

    private static byte[] Int32Bytes(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] DoubleBytes(double value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] StringBytes(string value)
    {
        var text = Encoding.UTF8.GetBytes(value + "\0");
        return Concat(Int32Bytes(text.Length), text);
    }

    private static byte[] Document(params byte[][] elements)
    {
        var body = Concat(Concat(elements), new byte[] { 0 });
        return Concat(Int32Bytes(body.Length + 4), body);
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;

    [Fact]
    public async Task Ready_when_hello_answers_ok_1()
    {
        var seen = new List<byte[]>();
        await using var server = FakeMongo(
            () => Document(
                Element(0x08, "isWritablePrimary", new byte[] { 1 }),
                Element(0x03, "topologyVersion", Document(Element(0x07, "processId", new byte[12]))),
                Element(0x09, "localTime", new byte[8]),
                Element(0x04, "hosts", Document(Element(0x02, "0", StringBytes("db:27017")))),
                Element(0x10, "maxWireVersion", Int32Bytes(25)),
                Element(0x01, "ok", DoubleBytes(1))),
            seen);

        await MongoDbProbe.ProbeAsync(
            $"mongodb://app:secret@127.0.0.1:{server.Port},other-host:27017/app?replicaSet=rs0",
            TestContext.Current.CancellationToken);
        await server.Done;

        var request = seen[0];
        Assert.Equal(2013, BinaryPrimitives.ReadInt32LittleEndian(request.AsSpan(12))); // OP_MSG
        Assert.True(Contains(request, "hello\0") && Contains(request, "admin\0"));
        Assert.False(Contains(request, "secret"), "hello carries no credentials");
    }

    [Fact]
    public async Task Not_ready_when_ok_is_0_with_the_server_message()
    {
        await using var server = FakeMongo(
            () => Document(Element(0x01, "ok", DoubleBytes(0)), Element(0x02, "errmsg", StringBytes("node is recovering"))),
            new List<byte[]>());

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            MongoDbProbe.ProbeAsync($"mongodb://127.0.0.1:{server.Port}", TestContext.Current.CancellationToken));
        Assert.Equal($"127.0.0.1:{server.Port}: not ready: node is recovering", error.Message);
    }

    [Fact]
    public async Task Rejects_mongodb_srv_with_a_clear_message()
    {
        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            MongoDbProbe.ProbeAsync("mongodb+srv://cluster0.example.net/app", TestContext.Current.CancellationToken));
        Assert.StartsWith("mongodb+srv:// URLs need a DNS SRV lookup", error.Message);
    }

    [Fact]
    public async Task Times_out_against_a_server_that_never_answers()
    {
        await using var server = FakeServer.Start(connection => connection.HangupAsync());

        var error = await Assert.ThrowsAsync<ProbeException>(() =>
            MongoDbProbe.ProbeAsync($"mongodb://127.0.0.1:{server.Port}", TimeSpan.FromMilliseconds(150), TestContext.Current.CancellationToken));
        Assert.EndsWith("no answer within 150 ms", error.Message);
    }
}
