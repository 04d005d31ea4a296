library(testthat)
library(peritrial)
test_check("peritrial")
