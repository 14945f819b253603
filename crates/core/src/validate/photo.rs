//! Profile photos: PNG, JPEG or WebP, at most 5 MiB and 40 megapixels, and the bytes must be
//! what the type says. The pixel budget is read from the real header (PNG `IHDR`, the JPEG
//! frame header `SOF0`..`SOF15`, WebP `VP8 `/`VP8L`/`VP8X`), so a small file that declares a
//! huge image (a decompression bomb for whoever sees the photo) is refused before it is stored.

use crate::error::{Code, Error};

/// Largest photo accepted.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

/// Most pixels (width × height) a photo may declare: 40 megapixels.
pub const MAX_PHOTO_PIXELS: u64 = 40_000_000;

/// The accepted media types.
pub const PHOTO_TYPES: [&str; 3] = ["image/png", "image/jpeg", "image/webp"];

/// Checks what a browser knows before uploading: the declared type and the size.
pub fn check_photo_meta(content_type: &str, size: usize) -> Result<&'static str, Error> {
    let declared = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let Some(t) = PHOTO_TYPES.into_iter().find(|t| *t == declared) else {
        return Err(Error::field(Code::UnsupportedMediaType, "photo"));
    };
    if size == 0 || size > MAX_PHOTO_BYTES {
        return Err(Error::field(if size == 0 { Code::InvalidPhoto } else { Code::PayloadTooLarge }, "photo"));
    }
    Ok(t)
}

/// Checks an uploaded photo: type and size, then the file signature against the type, then
/// the dimensions its header declares ([`photo_dimensions`]): neither zero, at most
/// [`MAX_PHOTO_PIXELS`] in all. Every refusal of the bytes is `invalid_photo`.
pub fn check_photo(content_type: &str, bytes: &[u8]) -> Result<&'static str, Error> {
    let declared = check_photo_meta(content_type, bytes.len())?;
    let actual = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    };
    if actual != Some(declared) {
        return Err(Error::field(Code::InvalidPhoto, "photo"));
    }
    photo_dimensions(declared, bytes)?;
    Ok(declared)
}

/// The width and height a photo's header declares, checked: both at least 1 and their
/// product at most [`MAX_PHOTO_PIXELS`]; a header that is missing, truncated or malformed is
/// `invalid_photo` too.
pub fn photo_dimensions(declared: &str, bytes: &[u8]) -> Result<(u32, u32), Error> {
    let dims = match declared {
        "image/png" => png_dimensions(bytes),
        "image/jpeg" => jpeg_dimensions(bytes),
        "image/webp" => webp_dimensions(bytes),
        _ => return Err(Error::field(Code::UnsupportedMediaType, "photo")),
    };
    match dims {
        Some((w, h)) if w > 0 && h > 0 && u64::from(w) * u64::from(h) <= MAX_PHOTO_PIXELS => Ok((w, h)),
        _ => Err(Error::field(Code::InvalidPhoto, "photo")),
    }
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?)))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?)))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let v = b.get(at..at + 3)?;
    Some(u32::from(v[0]) | u32::from(v[1]) << 8 | u32::from(v[2]) << 16)
}

/// PNG: the signature, then `IHDR` (which must come first, 13 bytes long): width and height,
/// big-endian, each at most 2^31 - 1.
fn png_dimensions(b: &[u8]) -> Option<(u32, u32)> {
    if !b.starts_with(b"\x89PNG\r\n\x1a\n") || be32(b, 8)? != 13 || b.get(12..16)? != b"IHDR" {
        return None;
    }
    let (w, h) = (be32(b, 16)?, be32(b, 20)?);
    (w <= i32::MAX as u32 && h <= i32::MAX as u32).then_some((w, h))
}

/// JPEG: the segments after SOI up to the first frame header, `SOF0`..`SOF15` (`0xC0`..`0xCF`
/// except `DHT` 0xC4, `JPG` 0xC8 and `DAC` 0xCC): precision, height, width. A scan or the end
/// before any frame header, or a truncated segment, is no image.
fn jpeg_dimensions(b: &[u8]) -> Option<(u32, u32)> {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2;
    loop {
        if *b.get(i)? != 0xFF {
            return None;
        }
        // Fill bytes: any number of 0xFF before the marker.
        while *b.get(i)? == 0xFF {
            i += 1;
        }
        let marker = *b.get(i)?;
        i += 1;
        match marker {
            // Standalone markers: TEM, RST0..RST7.
            0x01 | 0xD0..=0xD7 => continue,
            // SOI again, EOI or SOS before a frame header, or a stuffed 0x00: not an image.
            0x00 | 0xD8 | 0xD9 | 0xDA => return None,
            _ => {}
        }
        let len = be16(b, i)? as usize;
        if len < 2 || b.len() < i + len {
            return None;
        }
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            if len < 8 {
                return None;
            }
            return Some((be16(b, i + 5)?, be16(b, i + 3)?));
        }
        i += len;
    }
}

/// WebP: `RIFF` size `WEBP`, then the first chunk: `VP8 ` (lossy: a key frame's start code
/// 9D 01 2A, then 14-bit width and height), `VP8L` (lossless: signature 0x2F, then 14-bit
/// width - 1 and height - 1) or `VP8X` (extended: 24-bit canvas width - 1 and height - 1).
fn webp_dimensions(b: &[u8]) -> Option<(u32, u32)> {
    if b.get(0..4)? != b"RIFF" || b.get(8..12)? != b"WEBP" {
        return None;
    }
    let data = b.get(20..)?;
    match b.get(12..16)? {
        b"VP8 " => {
            // Frame tag: bit 0 clear on a key frame, which alone carries the dimensions.
            if data.first()? & 1 != 0 || data.get(3..6)? != [0x9D, 0x01, 0x2A] {
                return None;
            }
            Some((le16(data, 6)? & 0x3FFF, le16(data, 8)? & 0x3FFF))
        }
        b"VP8L" => {
            if *data.first()? != 0x2F {
                return None;
            }
            let bits = u32::from_le_bytes(data.get(1..5)?.try_into().ok()?);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8X" => Some((le24(data, 4)? + 1, le24(data, 7)? + 1)),
        _ => None,
    }
}

/// The photo without its metadata: EXIF (camera, time, often GPS), XMP, IPTC and PNG text
/// chunks are removed before a photo is stored, so a profile picture cannot publish where
/// and when it was taken. A file whose container cannot be parsed is refused.
pub fn strip_photo_metadata(declared: &str, bytes: &[u8]) -> Result<Vec<u8>, Error> {
    use img_parts::jpeg::{markers, Jpeg};
    use img_parts::png::Png;
    use img_parts::webp::WebP;
    use img_parts::{Bytes, ImageEXIF};
    let invalid = || Error::field(Code::InvalidPhoto, "photo");
    let b = Bytes::copy_from_slice(bytes);
    let out = match declared {
        "image/jpeg" => {
            let mut jpeg = Jpeg::from_bytes(b).map_err(|_| invalid())?;
            jpeg.remove_segments_by_marker(markers::APP1); // EXIF and XMP
            jpeg.remove_segments_by_marker(markers::APP13); // IPTC
            jpeg.encoder().bytes()
        }
        "image/png" => {
            let mut png = Png::from_bytes(b).map_err(|_| invalid())?;
            png.set_exif(None);
            png.chunks_mut().retain(|c| !matches!(&c.kind(), b"tEXt" | b"zTXt" | b"iTXt" | b"tIME" | b"eXIf"));
            png.encoder().bytes()
        }
        "image/webp" => {
            let mut webp = WebP::from_bytes(b).map_err(|_| invalid())?;
            webp.set_exif(None);
            webp.remove_chunks_by_id(*b"XMP ");
            webp.encoder().bytes()
        }
        _ => return Err(Error::field(Code::UnsupportedMediaType, "photo")),
    };
    Ok(out.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG with its IHDR declaring `w` × `h`, padded with an IDAT to `total` bytes.
    fn png(w: u32, h: u32, total: usize) -> Vec<u8> {
        let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
        v.extend(13u32.to_be_bytes());
        v.extend(b"IHDR");
        v.extend(w.to_be_bytes());
        v.extend(h.to_be_bytes());
        v.extend([8, 6, 0, 0, 0]); // 8-bit RGBA
        v.extend([0; 4]); // CRC (not checked here)
        let rest = total.saturating_sub(v.len() + 12 + 12);
        v.extend((rest as u32).to_be_bytes());
        v.extend(b"IDAT");
        v.extend(vec![0u8; rest]);
        v.extend([0; 4]);
        v.extend(0u32.to_be_bytes());
        v.extend(b"IEND");
        v.extend([0xAE, 0x42, 0x60, 0x82]);
        v
    }

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![0xFF, marker];
        v.extend(((payload.len() + 2) as u16).to_be_bytes());
        v.extend(payload);
        v
    }

    /// A JPEG: SOI, APP0, a DHT and a DAC (whose markers sit among the SOFs), then frame
    /// header `sof` declaring `w` × `h`, a scan and EOI.
    fn jpeg(sof: u8, w: u16, h: u16) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        v.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        v.extend(segment(0xC4, &[0x00; 17])); // DHT: its bytes are no dimensions
        v.extend(segment(0xCC, &[0x00, 0x10])); // DAC
        v.push(0xFF); // a fill byte
        let mut frame = vec![8];
        frame.extend(h.to_be_bytes());
        frame.extend(w.to_be_bytes());
        frame.extend([1, 1, 0x11, 0]);
        v.extend(segment(sof, &frame));
        v.extend(segment(0xDA, &[1, 1, 0, 0, 0x3F, 0]));
        v.extend([0x12, 0x34, 0xFF, 0x00, 0x56]);
        v.extend([0xFF, 0xD9]);
        v
    }

    fn riff(chunk: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut v = b"RIFF".to_vec();
        v.extend(((data.len() + 12) as u32).to_le_bytes());
        v.extend(b"WEBP");
        v.extend(chunk);
        v.extend((data.len() as u32).to_le_bytes());
        v.extend(data);
        v
    }

    fn webp_lossy(w: u16, h: u16) -> Vec<u8> {
        let mut d = vec![0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A]; // key frame tag, start code
        d.extend(w.to_le_bytes());
        d.extend(h.to_le_bytes());
        d.extend([0; 8]);
        riff(b"VP8 ", &d)
    }

    fn webp_lossless(w: u32, h: u32) -> Vec<u8> {
        let bits = (w - 1) | (h - 1) << 14;
        let mut d = vec![0x2F];
        d.extend(bits.to_le_bytes());
        d.extend([0; 3]);
        riff(b"VP8L", &d)
    }

    fn webp_extended(w: u32, h: u32) -> Vec<u8> {
        let mut d = vec![0x10, 0, 0, 0];
        d.extend(&(w - 1).to_le_bytes()[..3]);
        d.extend(&(h - 1).to_le_bytes()[..3]);
        riff(b"VP8X", &d)
    }

    fn code(r: Result<&str, Error>) -> Result<&str, Code> {
        r.map_err(|e| e.code)
    }

    #[test]
    fn photos() {
        assert_eq!(check_photo("image/png", &png(1, 1, 100)), Ok("image/png"));
        assert_eq!(check_photo("image/jpeg; q=1", &jpeg(0xC0, 640, 480)), Ok("image/jpeg"));
        assert_eq!(check_photo("image/webp", &webp_lossy(640, 480)), Ok("image/webp"));
        assert_eq!(code(check_photo("image/png", b"not an image")), Err(Code::InvalidPhoto));
        assert_eq!(code(check_photo("image/png", &jpeg(0xC0, 1, 1))), Err(Code::InvalidPhoto));
        assert_eq!(code(check_photo("image/gif", b"GIF89a")), Err(Code::UnsupportedMediaType));
        assert_eq!(check_photo_meta("image/png", MAX_PHOTO_BYTES + 1).map_err(|e| e.code), Err(Code::PayloadTooLarge));
        assert_eq!(check_photo_meta("image/png", 0).map_err(|e| e.code), Err(Code::InvalidPhoto));
    }

    #[test]
    fn a_small_file_declaring_a_huge_image_is_refused() {
        let bomb = png(60_000, 60_000, 200);
        assert_eq!(bomb.len(), 200);
        let refused = check_photo("image/png", &bomb).unwrap_err();
        assert_eq!((refused.code, refused.field), (Code::InvalidPhoto, Some("photo")));
        assert_eq!(refused.code.code(), "invalid_photo");
        assert_eq!(code(check_photo("image/png", &png(8000, 5001, 200))), Err(Code::InvalidPhoto), "just above");
        assert_eq!(check_photo("image/png", &png(8000, 5000, 200)), Ok("image/png"), "exactly 40 MP");
        assert_eq!(code(check_photo("image/png", &png(40_000_001, 1, 200))), Err(Code::InvalidPhoto));
        assert_eq!(code(check_photo("image/png", &png(u32::MAX, u32::MAX, 200))), Err(Code::InvalidPhoto));
    }

    #[test]
    fn png_headers() {
        assert_eq!(photo_dimensions("image/png", &png(640, 480, 100)), Ok((640, 480)));
        assert!(photo_dimensions("image/png", &png(0, 480, 100)).is_err(), "zero width");
        assert!(photo_dimensions("image/png", &png(640, 0, 100)).is_err(), "zero height");
        assert!(photo_dimensions("image/png", &png(640, 480, 100)[..20]).is_err(), "truncated IHDR");
        let mut not_first = png(640, 480, 100);
        not_first[12..16].copy_from_slice(b"tEXt");
        assert!(photo_dimensions("image/png", &not_first).is_err(), "IHDR must come first");
        let mut long = png(640, 480, 100);
        long[11] = 14;
        assert!(photo_dimensions("image/png", &long).is_err(), "IHDR is 13 bytes");
        assert!(photo_dimensions("image/png", &png(1 << 31, 1, 100)).is_err(), "above 2^31 - 1");
    }

    #[test]
    fn jpeg_frame_headers() {
        for sof in (0xC0..=0xCF).filter(|m| !matches!(m, 0xC4 | 0xC8 | 0xCC)) {
            assert_eq!(photo_dimensions("image/jpeg", &jpeg(sof, 640, 480)), Ok((640, 480)), "SOF {sof:#x}");
            assert!(photo_dimensions("image/jpeg", &jpeg(sof, 65_535, 65_535)).is_err(), "4.3 GP, SOF {sof:#x}");
        }
        assert_eq!(photo_dimensions("image/jpeg", &jpeg(0xC2, 8000, 5000)), Ok((8000, 5000)));
        assert!(photo_dimensions("image/jpeg", &jpeg(0xC0, 640, 0)).is_err(), "height 0 (DNL)");
        assert!(photo_dimensions("image/jpeg", &jpeg(0xC0, 0, 480)).is_err(), "width 0");
        // DHT, JPG and DAC are not frame headers: without a real one there are no dimensions.
        for not_sof in [0xC4, 0xC8, 0xCC] {
            assert!(photo_dimensions("image/jpeg", &jpeg(not_sof, 640, 480)).is_err(), "{not_sof:#x}");
        }
        // The dimensions of an EXIF thumbnail inside APP1 are skipped with their segment.
        let mut with_thumb = vec![0xFF, 0xD8];
        with_thumb.extend(segment(0xE1, &jpeg(0xC0, 10, 10)));
        with_thumb.extend(&jpeg(0xC0, 60_000, 60_000)[2..]);
        assert!(photo_dimensions("image/jpeg", &with_thumb).is_err());
        let full = jpeg(0xC0, 640, 480);
        let sof_at = full.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        assert!(photo_dimensions("image/jpeg", &full[..sof_at + 6]).is_err(), "truncated frame header");
        assert!(photo_dimensions("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xD9]).is_err(), "no frame");
        assert!(photo_dimensions("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01]).is_err(), "length < 2");
    }

    #[test]
    fn webp_headers() {
        assert_eq!(photo_dimensions("image/webp", &webp_lossy(640, 480)), Ok((640, 480)));
        assert_eq!(
            photo_dimensions("image/webp", &webp_lossy(0x4000 | 640, 0xC000 | 480)),
            Ok((640, 480)),
            "scale bits"
        );
        assert!(photo_dimensions("image/webp", &webp_lossy(0, 480)).is_err());
        let mut inter = webp_lossy(640, 480);
        inter[20] |= 1;
        assert!(photo_dimensions("image/webp", &inter).is_err(), "not a key frame");
        let mut no_start = webp_lossy(640, 480);
        no_start[23] = 0;
        assert!(photo_dimensions("image/webp", &no_start).is_err(), "no start code");
        assert_eq!(photo_dimensions("image/webp", &webp_lossless(16_384, 2_441)), Ok((16_384, 2_441)));
        assert!(photo_dimensions("image/webp", &webp_lossless(16_384, 16_384)).is_err(), "268 MP");
        let mut bad_sig = webp_lossless(1, 1);
        bad_sig[20] = 0;
        assert!(photo_dimensions("image/webp", &bad_sig).is_err());
        assert_eq!(photo_dimensions("image/webp", &webp_extended(1, 1)), Ok((1, 1)));
        assert_eq!(photo_dimensions("image/webp", &webp_extended(8000, 5000)), Ok((8000, 5000)));
        assert!(photo_dimensions("image/webp", &webp_extended(1 << 24, 1 << 24)).is_err());
        assert!(photo_dimensions("image/webp", &webp_extended(60_000, 60_000)).is_err());
        assert!(photo_dimensions("image/webp", &riff(b"ALPH", &[0; 10])).is_err(), "no image chunk first");
        assert!(photo_dimensions("image/webp", &webp_extended(8, 8)[..25]).is_err(), "truncated");
        assert_eq!(code(check_photo("image/webp", &webp_extended(60_000, 60_000))), Err(Code::InvalidPhoto));
    }

    /// A minimal JPEG: SOI, APP0 (JFIF), APP1 (EXIF with a GPS-looking payload), SOF0, EOI.
    fn jpeg_with_exif() -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        v.extend([0xFF, 0xE0, 0x00, 0x10]);
        v.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        let exif: &[u8] = b"Exif\0\0MM\0*GPS 48.8584N 2.2945E";
        v.extend([0xFF, 0xE1, 0x00, (exif.len() + 2) as u8]);
        v.extend(exif);
        v.extend([0xFF, 0xC0, 0x00, 0x0B, 8, 0x01, 0xE0, 0x02, 0x80, 1, 1, 0x11, 0]); // SOF0 640x480
        v.extend([0xFF, 0xD9]);
        v
    }

    #[test]
    fn metadata_is_stripped_and_the_image_kept() {
        let src = jpeg_with_exif();
        assert!(src.windows(4).any(|w| w == b"Exif"));
        let out = strip_photo_metadata("image/jpeg", &src).unwrap();
        assert!(!out.windows(4).any(|w| w == b"Exif"), "the EXIF segment is gone");
        assert!(!out.windows(3).any(|w| w == b"GPS"));
        assert!(out.windows(4).any(|w| w == b"JFIF"), "the rest stays");
        assert_eq!(check_photo("image/jpeg", &out), Ok("image/jpeg"));
        assert_eq!(
            strip_photo_metadata("image/png", b"\x89PNG\r\n\x1a\nnot chunks").map_err(|e| e.code),
            Err(Code::InvalidPhoto)
        );
    }
}
