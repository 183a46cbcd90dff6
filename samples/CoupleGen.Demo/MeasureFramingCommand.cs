using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using CoupleGen.Faces;
using CoupleGen.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace CoupleGen.Demo;

/// <summary>
/// Measures where the eyes sit in a training set's face crops and the background colour, the numbers
/// behind <see cref="FaceFraming.Training"/>. Side-by-side images (width = 2 x height) count as two crops.
/// </summary>
internal static class MeasureFramingCommand
{
    public static int Run(Arguments arguments)
    {
        string data = arguments.Required("data");
        arguments.RejectUnknown();
        if (!Directory.Exists(data))
        {
            throw new UsageException($"--data '{data}' is not a folder.");
        }

        string[] extensions = { ".jpg", ".jpeg", ".png" };
        var files = Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories)
            .Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToList();

        using var detector = new FaceDetector();
        var left = new List<PointF>();
        var right = new List<PointF>();
        var mouths = new List<PointF>();
        var reds = new List<byte>();
        var greens = new List<byte>();
        var blues = new List<byte>();
        int crops = 0, side = 0;
        var missed = new List<string>();
        foreach (string file in files)
        {
            using Image<Rgb24> image = ImageFiles.Load(file);
            int halves = image.Width == 2 * image.Height ? 2 : 1;
            for (int half = 0; half < halves; half++)
            {
                int width = image.Width / halves;
                using Image<Rgb24> crop = image.Clone(x => x.Crop(new Rectangle(half * width, 0, width, image.Height)));
                crops++;
                side = crop.Width;
                Rgb24 background = Border(crop, reds, greens, blues);

                // The crops' faces are near the detector's largest anchor; a margin of background makes them easier to find.
                int margin = crop.Width / 4;
                using var padded = new Image<Rgb24>(crop.Width + (2 * margin), crop.Height + (2 * margin), background);
                padded.Mutate(x => x.DrawImage(crop, new Point(margin, margin), 1f));
                var faces = detector.Detect(padded);
                if (faces.Count == 0)
                {
                    missed.Add($"{file}#{half}");
                    continue;
                }

                DetectedFace face = faces.MaxBy(f => f.Area)!;
                left.Add(new PointF(face.LeftEye.X - margin, face.LeftEye.Y - margin));
                right.Add(new PointF(face.RightEye.X - margin, face.RightEye.Y - margin));
                mouths.Add(new PointF(face.Mouth.X - margin, face.Mouth.Y - margin));
            }
        }

        if (left.Count == 0)
        {
            throw new UsageException($"No face found in any of the {crops} crops under '{data}'.");
        }

        var eyeDistance = left.Zip(right, (l, r) => Math.Sqrt(Math.Pow(r.X - l.X, 2) + Math.Pow(r.Y - l.Y, 2))).ToList();
        Console.WriteLine($"{files.Count} files, {crops} crops of {side}x{side}, faces found in {left.Count} (missed: {(missed.Count == 0 ? "none" : string.Join(", ", missed))})");
        Console.WriteLine("                 median      mean   std dev   p10     p90");
        Row("left eye x", left.Select(p => (double)p.X));
        Row("left eye y", left.Select(p => (double)p.Y));
        Row("right eye x", right.Select(p => (double)p.X));
        Row("right eye y", right.Select(p => (double)p.Y));
        Row("mouth x", mouths.Select(p => (double)p.X));
        Row("mouth y", mouths.Select(p => (double)p.Y));
        Row("eye distance", eyeDistance);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"background (median border pixel): R {Median(reds.Select(v => (double)v)):F0} G {Median(greens.Select(v => (double)v)):F0} B {Median(blues.Select(v => (double)v)):F0}"));
        return 0;
    }

    private static void Row(string name, IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        double mean = sorted.Average();
        double deviation = Math.Sqrt(sorted.Sum(v => (v - mean) * (v - mean)) / sorted.Count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-14} {Median(sorted),8:F1} {mean,9:F1} {deviation,9:F1} {sorted[sorted.Count / 10],7:F1} {sorted[sorted.Count * 9 / 10],7:F1}"));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Collects the outermost 4-pixel ring, where the crops show their background, and returns its median colour.</summary>
    private static Rgb24 Border(Image<Rgb24> crop, List<byte> reds, List<byte> greens, List<byte> blues)
    {
        const int Ring = 4;
        var own = new List<Rgb24>();
        crop.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<Rgb24> row = rows.GetRowSpan(y);
                bool edgeRow = y < Ring || y >= rows.Height - Ring;
                for (int x = 0; x < row.Length; x++)
                {
                    if (edgeRow || x < Ring || x >= row.Length - Ring)
                    {
                        reds.Add(row[x].R);
                        greens.Add(row[x].G);
                        blues.Add(row[x].B);
                        own.Add(row[x]);
                    }
                }
            }
        });
        return new Rgb24(MedianByte(own.Select(p => p.R)), MedianByte(own.Select(p => p.G)), MedianByte(own.Select(p => p.B)));
    }

    private static byte MedianByte(IEnumerable<byte> values) => (byte)Math.Round(Median(values.Select(v => (double)v)));
}
