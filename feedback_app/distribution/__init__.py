"""Distribution: public links, QR codes and posters, single-use invitation links,
and the always-on feedback link of each area."""
