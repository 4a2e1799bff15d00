"""One wave's results: the page, its report, periods, series and breakdowns."""
