using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using CoupleGen.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit;

namespace CoupleGen.Tests.Imaging;

[Trait("Category", "Unit")]
public class PngWriterTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(257, 13)]
    [InlineData(300, 301)]
    public void RgbImagesRoundTripExactly(int width, int height)
    {
        using Image<Rgb24> image = RandomImage(width, height, seed: width * 1000 + height);
        using var stream = new MemoryStream();
        PngWriter.Write(image, stream);
        stream.Position = 0;
        using Image<Rgb24> back = Image.Load<Rgb24>(stream);
        Assert.Equal(TestData.Pixels(image), TestData.Pixels(back));
    }

    [Fact]
    public void ChunksAreWellFormedWithValidChecksums()
    {
        // The standard CRC-32 check value, so the checksum below is checked against the specification.
        Assert.Equal(0xCBF43926u, PngWriter.Crc32("123456789"u8));

        // 300x301 RGB is about 270 KB raw: noise does not compress, so the data spans several IDAT chunks.
        using Image<Rgb24> image = RandomImage(300, 301, seed: 7);
        using var stream = new MemoryStream();
        PngWriter.Write(image, stream);
        byte[] png = stream.ToArray();

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var types = new StringBuilder();
        int offset = 8, idatChunks = 0;
        while (offset < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            string type = Encoding.ASCII.GetString(png, offset + 4, 4);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.Equal(PngWriter.Crc32(png.AsSpan(offset + 4, 4 + length)), crc);
            Assert.InRange(length, 0, 64 * 1024);
            if (type != "IDAT" || idatChunks++ == 0)
            {
                types.Append(type).Append(' ');
            }

            offset += 12 + length;
        }

        Assert.Equal(png.Length, offset);
        Assert.Equal("IHDR IDAT IEND ", types.ToString());
        Assert.True(idatChunks > 1, $"{idatChunks} IDAT chunk(s)");
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82 }, png[^12..]);
    }

    [Fact]
    public void PhotosAreAsSmallAsWithImageSharpsLevelOne()
    {
        Assert.True(PngWriter.UsesRunLengthMatching, "the tests run on .NET 9 or later, which has ZLibCompressionOptions");
        using Image<Rgb24> photo = Image.Load<Rgb24>(Fixtures.PathOf("Faces/astronaut.png"));
        photo.Mutate(x => x.Resize(256, 256));
        using var ours = new MemoryStream();
        using var imageSharp = new MemoryStream();
        PngWriter.Write(photo, ours);
        photo.SaveAsPng(imageSharp, new PngEncoder { CompressionLevel = PngCompressionLevel.BestSpeed });
        Assert.True(ours.Length <= imageSharp.Length * 1.05, $"{ours.Length:N0} bytes against ImageSharp's {imageSharp.Length:N0}");
    }

    [Fact]
    public void ImageFilesWritesPlainRgbPngsWithItAndKeepsImageSharpForMetadata()
    {
        string folder = TestData.NewFolder();
        using Image<Rgb24> plain = RandomImage(64, 48, seed: 3);
        string plainPath = Path.Combine(folder, "plain.png");
        ImageFiles.Save(plain, plainPath);
        byte[] written = File.ReadAllBytes(plainPath);
        Assert.Equal("IDAT", Encoding.ASCII.GetString(written, 8 + 25 + 4, 4)); // right after IHDR: no metadata chunks

        using Image<Rgb24> tagged = plain.Clone();
        tagged.Metadata.ExifProfile = new ExifProfile();
        tagged.Metadata.ExifProfile.SetValue(ExifTag.Artist, "CoupleGen");
        string taggedPath = Path.Combine(folder, "tagged.png");
        ImageFiles.Save(tagged, taggedPath);
        using Image<Rgb24> back = Image.Load<Rgb24>(taggedPath);
        Assert.Equal("CoupleGen", back.Metadata.ExifProfile?.GetValue(ExifTag.Artist)?.Value);
        Assert.Equal(TestData.Pixels(plain), TestData.Pixels(back));
    }

    private static Image<Rgb24> RandomImage(int width, int height, int seed)
    {
        var random = new Random(seed);
        byte[] pixels = new byte[width * height * 3];
        random.NextBytes(pixels);
        return Image.LoadPixelData<Rgb24>(pixels, width, height);
    }
}
