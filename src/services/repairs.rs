//! Credit repair (being written).
