"""From a parsed question to answers: candidates (`search`, `speaker_quotes`), ranking
(`ranking`, `similarity`, `sides`), the answer text (`building`, `respond`), articles by topic
(`topic_articles`) and reported speech read from passages (`passage_reports`)."""
