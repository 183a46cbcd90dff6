using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Faces;
using CoupleGen.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace CoupleGen.Demo;

/// <summary>
/// Turns couple photos into CoupleGenerator's training layout: each photo's two faces, framed like the
/// training crops, side by side in a 1024x512 <c>&lt;couple&gt;/N.jpg</c>. Photos directly in the input folder
/// are couples of their own (id = file name); photos in a subfolder are one couple (id = folder name), numbered 1, 2, ...
/// </summary>
internal static class SplitCouplesCommand
{
    private const int Side = 512;

    public static int Run(Arguments arguments)
    {
        string input = arguments.Required("input");
        string output = arguments.Required("out");
        arguments.RejectUnknown();
        if (!Directory.Exists(input))
        {
            throw new UsageException($"--input '{input}' is not a folder.");
        }

        var couples = new List<(string Id, List<string> Photos)>();
        couples.AddRange(Photos(input).Select(photo => (Path.GetFileNameWithoutExtension(photo), new List<string> { photo })));
        foreach (string folder in Directory.EnumerateDirectories(input).Order(StringComparer.Ordinal))
        {
            var photos = Photos(folder).ToList();
            if (photos.Count > 0)
            {
                couples.Add((Path.GetFileName(folder), photos));
            }
        }

        using var framer = new FaceFramer(new FaceFramingOptions { Selection = FaceSelection.All, OutputSize = Side });
        int written = 0, skipped = 0;
        foreach (var (id, photos) in couples)
        {
            int number = 0;
            foreach (string photo in photos)
            {
                string? problem = Split(framer, photo, Path.Combine(output, id, $"{number + 1}.jpg"));
                if (problem is null)
                {
                    number++;
                    written++;
                }
                else
                {
                    skipped++;
                    Console.WriteLine($"skipped {photo}: {problem}");
                }
            }
        }

        Console.WriteLine($"{written} pairs written to {output} ({skipped} photos skipped); train with: train --data {output}");
        return 0;
    }

    private static IEnumerable<string> Photos(string folder)
    {
        string[] extensions = { ".jpg", ".jpeg", ".png", ".bmp", ".webp" };
        return Directory.EnumerateFiles(folder).Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal);
    }

    /// <summary>Writes the pair of one photo, or says why it cannot.</summary>
    private static string? Split(FaceFramer framer, string photo, string target)
    {
        IReadOnlyList<FramedFace> faces;
        try
        {
            faces = framer.Frame(photo);
        }
        catch (Exception ex) when (ex is NoFaceFoundException or InvalidImageException)
        {
            return ex.Message;
        }

        try
        {
            if (faces.Count < 2)
            {
                return $"one face found, a couple needs two.";
            }

            // More than two faces: the two largest are the couple; they stay in left-to-right order.
            var couple = faces.OrderByDescending(f => f.Face.Area).Take(2).OrderBy(f => f.Index).ToArray();
            using var pair = new Image<Rgb24>(2 * Side, Side);
            pair.Mutate(x => x.DrawImage(couple[0].Image, new Point(0, 0), 1f).DrawImage(couple[1].Image, new Point(Side, 0), 1f));
            ImageFiles.Save(pair, target);
            Console.WriteLine($"{photo} -> {target}{(faces.Count > 2 ? $" (the two largest of {faces.Count} faces)" : string.Empty)}");
            return null;
        }
        finally
        {
            foreach (FramedFace face in faces)
            {
                face.Dispose();
            }
        }
    }
}
