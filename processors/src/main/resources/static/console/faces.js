/** The faces page (being built). */
export function facesView(main) {
  const section = document.createElement('section');
  section.className = 'faces';
  section.innerHTML = '<div class="heading"><h2>Faces</h2></div>';
  main.append(section);
  return () => section.remove();
}
