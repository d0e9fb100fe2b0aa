using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace HourglassSimd.TestSupport;

/// <summary>
/// Rewrites the JSON header (and optionally the version) of a saved <c>.hgw</c> file and reseals it: the data block is
/// moved to the new 64-byte aligned offset and the SHA-256 recomputed, so that only the edited metadata differs. Used to
/// make version-1 files and files with malformed joint layouts. Linked into the test projects that need it.
/// </summary>
public static class ModelFileBytes
{
    /// <summary>The header of a saved model file, as JSON.</summary>
    public static JsonObject Header(byte[] file)
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(12));
        return JsonNode.Parse(Encoding.UTF8.GetString(file, 16, length))!.AsObject();
    }

    /// <summary>The file with its header edited by <paramref name="edit"/> and its version set to <paramref name="version"/> (unchanged when null).</summary>
    public static byte[] Rewrite(byte[] file, Action<JsonObject> edit, int? version = null)
    {
        var header = Header(file);
        int oldLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(12));
        long dataLength = header["dataLength"]!.GetValue<long>();
        long oldDataStart = Align(16 + oldLength);
        edit(header);

        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        long dataStart = Align(16 + json.Length);
        var content = new byte[dataStart + dataLength];
        file.AsSpan(0, 8).CopyTo(content);
        BinaryPrimitives.WriteInt32LittleEndian(content.AsSpan(8), version ?? BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(8)));
        BinaryPrimitives.WriteInt32LittleEndian(content.AsSpan(12), json.Length);
        json.CopyTo(content.AsSpan(16));
        file.AsSpan((int)oldDataStart, (int)dataLength).CopyTo(content.AsSpan((int)dataStart));
        return [.. content, .. SHA256.HashData(content)];
    }

    /// <summary>A version-1 file: no <c>jointLayout</c> in the header, version field 1.</summary>
    public static byte[] AsVersion1(byte[] file) => Rewrite(file, header => header.Remove("jointLayout"), version: 1);

    private static long Align(long n) => (n + 63) / 64 * 64;
}
