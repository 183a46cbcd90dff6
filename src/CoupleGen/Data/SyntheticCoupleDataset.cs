using System;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CoupleGen.Data;

/// <summary>
/// Procedurally rendered "couples" for smoke tests, demos and benchmarks when no photos are at hand.
/// Each pair shows a stylised face (A) and its "partner" (B) on the red background of the
/// CoupleGenerator crops. The partner keeps the skin tone, eye colour and face position, but has
/// long hair in the next colour of a fixed palette, red lips and a narrower face, so B is a
/// learnable function of A that differs from A. Pixels depend only on the seed and the index.
/// </summary>
public sealed class SyntheticCoupleDataset : IPairedDataset
{
    private static readonly Rgb24[] HairPalette =
    {
        new(30, 24, 20), new(110, 70, 35), new(225, 190, 110), new(165, 60, 25), new(150, 150, 155),
    };

    private static readonly Rgb24[] EyePalette = { new(60, 110, 190), new(90, 55, 30), new(70, 140, 80) };

    /// <summary>Initializes a new instance of the <see cref="SyntheticCoupleDataset"/> class.</summary>
    /// <param name="count">The number of pairs.</param>
    /// <param name="imageSize">The side of each square image in pixels, at least 16.</param>
    /// <param name="seed">Selects the faces; datasets with different seeds share no face by design only statistically.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public SyntheticCoupleDataset(int count, int imageSize, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSize, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(imageSize, 2048);
        Count = count;
        ImageSize = imageSize;
        Seed = seed;
    }

    /// <inheritdoc/>
    public int Count { get; }

    /// <summary>Gets the side of each image in pixels.</summary>
    public int ImageSize { get; }

    /// <summary>Gets the seed that selects the faces.</summary>
    public int Seed { get; }

    /// <inheritdoc/>
    public ImagePair GetPair(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var face = Face.Draw(new Random(StableSeed.Mix(Seed, index, 0x5eed)));
        return new ImagePair(Render(face, partner: false), Render(face, partner: true), $"synthetic:{Seed}:{index}");
    }

    /// <inheritdoc/>
    public string GetGroup(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return index.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private Image<Rgb24> Render(Face face, bool partner)
    {
        int size = ImageSize;
        var image = new Image<Rgb24>(size, size);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < size; y++)
            {
                Span<Rgb24> row = rows.GetRowSpan(y);
                for (int x = 0; x < size; x++)
                {
                    // 2x2 supersampling keeps edges smooth at small sizes.
                    int r = 0, g = 0, b = 0;
                    for (int s = 0; s < 4; s++)
                    {
                        double u = (((x + 0.25 + (0.5 * (s & 1))) / size) * 2) - 1;
                        double v = (((y + 0.25 + (0.5 * (s >> 1))) / size) * 2) - 1;
                        Rgb24 c = face.Shade(u, v, partner);
                        r += c.R;
                        g += c.G;
                        b += c.B;
                    }

                    row[x] = new Rgb24((byte)(r / 4), (byte)(g / 4), (byte)(b / 4));
                }
            }
        });
        return image;
    }

    private sealed record Face(double Cx, double Cy, double Scale, Rgb24 Skin, int Hair, Rgb24 Eyes, Rgb24 Shirt, Rgb24 Background)
    {
        public static Face Draw(Random random)
        {
            double tone = random.NextDouble();
            var skin = new Rgb24(Lerp(240, 125, tone), Lerp(205, 85, tone), Lerp(180, 60, tone));
            var shirt = new Rgb24((byte)random.Next(20, 236), (byte)random.Next(20, 236), (byte)random.Next(20, 236));
            var background = new Rgb24((byte)random.Next(195, 236), (byte)random.Next(35, 71), (byte)random.Next(35, 71));
            return new Face(
                Cx: (random.NextDouble() - 0.5) * 0.16,
                Cy: ((random.NextDouble() - 0.5) * 0.12) - 0.05,
                Scale: 0.9 + (random.NextDouble() * 0.2),
                Skin: skin,
                Hair: random.Next(HairPalette.Length),
                Eyes: EyePalette[random.Next(EyePalette.Length)],
                Shirt: shirt,
                Background: background);
        }

        public Rgb24 Shade(double u, double v, bool partner)
        {
            double rx = 0.40 * Scale * (partner ? 0.9 : 1.0), ry = 0.52 * Scale;
            Rgb24 hair = HairPalette[partner ? (Hair + 1) % HairPalette.Length : Hair];
            bool inFace = Inside(u, v, Cx, Cy, rx, ry);
            bool inCap = Inside(u, v, Cx, Cy - (0.10 * Scale), rx * 1.12, ry * 0.95) && v < Cy - (ry * 0.38);
            bool inLongHair = partner && Inside(u, v, Cx, Cy + (0.12 * Scale), rx * 1.45, ry * 1.2) && v < Cy + (ry * 1.05);
            bool inShoulders = Inside(u, v, Cx, 1.15, 0.95, 0.5);

            if (inCap)
            {
                return hair;
            }

            if (inFace)
            {
                double eyeY = Cy - (0.08 * Scale), eyeDx = 0.16 * Scale;
                foreach (double side in new[] { -1.0, 1.0 })
                {
                    if (Inside(u, v, Cx + (side * eyeDx), eyeY, 0.035 * Scale, 0.035 * Scale))
                    {
                        return Eyes;
                    }

                    if (Inside(u, v, Cx + (side * eyeDx), eyeY, 0.07 * Scale, 0.045 * Scale))
                    {
                        return new Rgb24(245, 245, 245);
                    }
                }

                if (Inside(u, v, Cx, Cy + (0.25 * Scale), 0.13 * Scale, (partner ? 0.045 : 0.03) * Scale))
                {
                    return partner ? new Rgb24(200, 30, 60) : new Rgb24(150, 75, 70);
                }

                return Skin;
            }

            if (inShoulders)
            {
                return Shirt;
            }

            return inLongHair ? hair : Background;
        }

        private static bool Inside(double u, double v, double cx, double cy, double rx, double ry)
        {
            double du = (u - cx) / rx, dv = (v - cy) / ry;
            return (du * du) + (dv * dv) <= 1.0;
        }

        private static byte Lerp(int from, int to, double t) => (byte)Math.Round(from + ((to - from) * t));
    }
}
